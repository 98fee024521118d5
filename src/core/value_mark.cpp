#include "canarytrap/core/value_mark.h"


namespace canarytrap {

std::optional<ScanKind> scan_kind_of(std::string_view k) {
  if (k == "token") return ScanKind::kToken;
  if (k == "email") return ScanKind::kEmail;
  if (k == "id_number") return ScanKind::kIdNumber;
  if (k == "phone" || k == "ssn" || k == "card") return ScanKind::kDigits;
  if (k == "name_dob") return ScanKind::kNameDob;
  return std::nullopt;
}

}  // namespace canarytrap
