// DistinctPeople: a run of fake people in which no identifying value repeats.
//
// A generator draws each person on their own, so over a run values repeat: a million en_US
// people drawn by name frequency repeat some 36,000 e-mail addresses, and a table with
// UNIQUE(email), UNIQUE(ssn) or UNIQUE(phone) then refuses the import. DistinctPeople first
// has the generator draw what it can without replacement (phones, SSNs, card numbers: see
// PersonGenerator::draw_without_replacement), then remembers the rest (ID numbers, e-mail
// addresses) of every person it hands out and draws again whoever would repeat one: only
// the e-mail address when that alone clashes (the person stays), else the whole person.
//
// Values are remembered as 16-bit tags in an open-addressing table of at most 128 MiB, sized
// for the run: the slot holds the hash's top bits, the tag 16 more, and a false match (about
// one look-up in 10,000) only costs a redraw, so the run stays free of repeats. The table
// stops taking values at three quarters full (about 50 million en_US or 25 million zh_CN
// people); people after that still repeat none of the remembered values, but may repeat one
// another's. Each look-up is a cache miss, the largest cost of a person left: hence as few
// remembered fields as possible.
//
//   DistinctPeople people(std::move(gen), count);
//   Person p;
//   for (...) { if (Status s = people.next(p); !s.ok()) return s; write(p); }
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "canarytrap/core/huge_page_allocator.h"
#include "canarytrap/core/status.h"
#include "canarytrap/fake/person.h"

namespace canarytrap {

class DistinctPeople {
 public:
  // `expected` sizes the table (the run's length); `max_slots` (a power of two) bounds it.
  DistinctPeople(std::unique_ptr<PersonGenerator> generator, std::int64_t expected,
                 std::size_t max_slots = std::size_t{1} << 26);

  // The next person, none of whose identifying values an earlier one had. Fails only when
  // 64 draws in a row all clash (the generator's value space is used up).
  Status next(Person& p);

  // Values remembered so far (for tests).
  std::size_t remembered() const { return used_; }

 private:
  // Whether a value with this hash was remembered (or a tag clashed: harmless).
  bool seen(std::uint64_t hash) const;
  void remember(std::uint64_t hash);

  static constexpr std::size_t kMaxFields = 5;  // ID number, SSN, phone, card number, e-mail

  std::unique_ptr<PersonGenerator> generator_;
  std::vector<PersonField> fields_;  // what the locale fills and the generator may repeat
  std::vector<std::uint16_t, HugePageAllocator<std::uint16_t>> tags_;  // 0 = empty slot
  std::size_t mask_ = 0;
  int shift_ = 0;
  std::size_t used_ = 0, limit_ = 0;
};

}  // namespace canarytrap
