#include "canarytrap/fake/distinct_people.h"

#include <algorithm>
#include <bit>
#include <functional>

namespace canarytrap {
namespace {

// Draws in a row that may all clash before a run gives up: with values repeating at even
// 50%, 64 clashes in a row happen once in 2^64 draws.
constexpr int kMaxDraws = 64;

// (field, value) -> 64 well-mixed bits: the top ones pick the slot, the low 16 are the tag.
std::uint64_t value_hash(PersonField field, std::string_view value) {
  std::uint64_t h = std::hash<std::string_view>()(value) ^ ((static_cast<std::uint64_t>(field) + 1) * 0x9E3779B97F4A7C15ull);
  h ^= h >> 33;  // MurmurHash3's finalizer
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

std::uint16_t tag_of(std::uint64_t hash) {
  const auto t = static_cast<std::uint16_t>(hash);
  return t == 0 ? 1 : t;
}

}  // namespace

DistinctPeople::DistinctPeople(std::unique_ptr<PersonGenerator> generator, std::int64_t expected,
                               std::size_t max_slots)
    : generator_(std::move(generator)) {
  // What the generator cannot draw without replacement is remembered here.
  const std::vector<PersonField> unrepeated = generator_->draw_without_replacement();
  const auto& filled = locale_fields(generator_->locale());
  for (PersonField f : {PersonField::kIdNumber, PersonField::kSsn, PersonField::kPhone, PersonField::kCardNumber,
                        PersonField::kEmail}) {
    if (std::find(filled.begin(), filled.end(), f) != filled.end() &&
        std::find(unrepeated.begin(), unrepeated.end(), f) == unrepeated.end()) {
      fields_.push_back(f);
    }
  }
  // Three quarters full at the run's end at most, so that probes stay short.
  const auto values = static_cast<std::size_t>(std::max<std::int64_t>(expected, 1)) * fields_.size();
  const std::size_t slots = std::min(std::bit_ceil(std::max<std::size_t>(values / 3 * 4 + 4, 1024)),
                                     std::max<std::size_t>(std::bit_floor(max_slots), 1024));
  tags_.assign(slots, 0);
  mask_ = slots - 1;
  shift_ = 64 - std::countr_zero(slots);
  limit_ = slots / 4 * 3;
}

bool DistinctPeople::seen(std::uint64_t hash) const {
  const std::uint16_t tag = tag_of(hash);
  for (std::size_t i = hash >> shift_;; i = (i + 1) & mask_) {
    if (tags_[i] == 0) return false;
    if (tags_[i] == tag) return true;
  }
}

void DistinctPeople::remember(std::uint64_t hash) {
  if (used_ >= limit_) return;
  const std::uint16_t tag = tag_of(hash);
  std::size_t i = hash >> shift_;
  while (tags_[i] != 0) {
    if (tags_[i] == tag) return;
    i = (i + 1) & mask_;
  }
  tags_[i] = tag;
  ++used_;
}

Status DistinctPeople::next(Person& p) {
  std::uint64_t hashes[kMaxFields];
  bool whole = true;    // draw the whole person, not just the e-mail address
  int email_draws = 0;  // e-mail addresses in a row taken
  for (int draw = 0; draw < kMaxDraws; ++draw) {
    if (whole) {
      generator_->next(p);
      email_draws = 0;
    } else {
      generator_->redraw_email(p, ++email_draws);
    }
    for (std::size_t i = 0; i < fields_.size(); ++i) hashes[i] = value_hash(fields_[i], p[fields_[i]]);
    whole = false;
    bool email_clash = false;
    for (std::size_t i = 0; i < fields_.size(); ++i) {
      if (!seen(hashes[i])) continue;
      if (fields_[i] == PersonField::kEmail) {
        email_clash = true;
      } else {
        whole = true;
      }
    }
    if (whole || email_clash) continue;
    for (std::size_t i = 0; i < fields_.size(); ++i) remember(hashes[i]);
    return Status::Ok();
  }
  return Status::AlreadyExists("cannot draw a person whose ID or SSN, phone, e-mail address and card number are all new after " +
                               std::to_string(kMaxDraws) + " tries: the generator's values are used up");
}

}  // namespace canarytrap
