// Check-digit and format validators for the identifiers fake people carry.
//
// These are the checks an analyst runs to filter fakes out of a leak (the 2022 Shanghai
// dump shrank from 961M rows to 104.7M valid IDs this way); every canary must pass them.
// Each returns Ok or an InvalidArgument naming the first rule broken.
#pragma once

#include <string_view>

#include "canarytrap/core/status.h"

namespace canarytrap {

// GB 11643-1999 check character ('0'-'9' or 'X') of the first 17 digits (ISO 7064 MOD 11-2).
char gb11643_check_char(std::string_view first17);

// A resident ID number: 18 characters, a known county-level division code (GB/T 2260, from
// data/zh_CN/divisions.tsv), a real birth date not in the future, and the check character
// (upper-case X only).
Status validate_resident_id(std::string_view id, int today_year, int today_month, int today_day);

// Luhn (mod 10) check digit for the digits given, and a whole-number check.
char luhn_check_digit(std::string_view digits_without_check);
bool luhn_valid(std::string_view digits);

// A card number: 13-19 digits, a valid Luhn digit, and not one of the well-known test
// numbers published by the card networks and payment processors.
Status validate_card_number(std::string_view digits);

// An SSN as AAA-GG-SSSS or 9 digits: no area 000, 666 or 900-999, no group 00, no serial
// 0000, and none of the numbers famous for being misused (078-05-1120, 219-09-9999).
Status validate_ssn(std::string_view ssn);

// A NANP number as 10 digits (punctuation ignored): area and exchange codes start with
// 2-9, are not N11 service codes, and the number is not in the 555-01XX fiction range.
Status validate_nanp_phone(std::string_view phone);

// A mainland China mobile number: 11 digits starting with a carrier prefix from
// data/zh_CN/mobile_prefixes.tsv.
Status validate_cn_mobile(std::string_view phone);

}  // namespace canarytrap
