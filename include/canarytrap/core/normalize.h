// Value normalization and validation: the one place that decides when two spellings of a
// hostname, e-mail address or URL are the same value.
//
// Triggers are stored and looked up by their normalized form, so a DNS query in 0x20
// mixed case, an e-mail address typed in capitals or a URL with an upper-case host all
// find the same canary.
#pragma once

#include <string>
#include <string_view>

#include "canarytrap/core/status.h"

namespace canarytrap {

std::string ascii_lower(std::string_view s);

// A DNS name: lower-cased, one trailing dot removed; each label 1-63 letters, digits or
// hyphens (not starting or ending with a hyphen), at most 253 characters in all.
Result<std::string> normalize_dns_name(std::string_view name);

// Like normalize_dns_name, and also requires at least two labels (a zone or mail domain
// we are authoritative for is never a bare top-level domain).
Result<std::string> normalize_zone(std::string_view name);

// local@domain, lower-cased whole; the local part is 1-64 dot-atom characters, the
// domain a valid DNS name.
Result<std::string> normalize_email(std::string_view address);

// An IPv4 or IPv6 literal in canonical text form (inet_ntop of inet_pton).
Result<std::string> normalize_ip(std::string_view ip);
bool is_ipv6(std::string_view normalized_ip);

// Fingerprint values as the registry stores them and the scanner looks them up, so that a
// dump's reformatting (case, punctuation, country codes) does not hide a canary.
//   id_number  upper-case, spaces removed          ssn, card  digits only
//   phone      digits, without +86/0086 or NANP 1  email      lower-case
//   name_dob   name lower-cased, one space between words, '|', YYYYMMDD (from YYYY-MM-DD)
//   url        lower-case, without the scheme
Result<std::string> normalize_fingerprint(std::string_view kind, std::string_view value);

// A URI with any password removed, for logs and placements:
// `postgresql://u:secret@h/db?password=x` -> `postgresql://u@h/db?password=REDACTED`.
std::string redact_uri(std::string_view uri);

}  // namespace canarytrap
