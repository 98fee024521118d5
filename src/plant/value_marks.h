// Marking a canary's values for the scanner (core/value_mark.h): a drawn person's ID number,
// phone, SSN and card number are redrawn in their free digits until each carries the
// registry's mark.
//
// Free digits are ones nothing else about the person depends on: the ID number's 15th and
// 16th digits (its sequence number, but the 17th, which gives the sex) with its check
// character after them; the last four digits of a phone number and of an SSN; the four digits
// before a card number's Luhn digit, which follows. Region, birth date, sex, carrier and
// issuer stay as drawn, and each value still passes its validator (fake/validators.h). A
// variant is drawn at random each try, so the values kept are uniform among those carrying
// the mark.
//
//   if (!mark_person(person, Locale::kZhCN, ValueMark(key), rng)) ... draw another person
#pragma once

#include "canarytrap/core/value_mark.h"
#include "canarytrap/fake/fast_rng.h"
#include "canarytrap/fake/person.h"

namespace canarytrap {

// False when some value could not be marked (a shape with no free digits, or none of a few
// hundred variants carries the mark: an ID number, with 100 variants, in about one person of
// 600): the caller draws another person.
bool mark_person(Person& p, Locale locale, const ValueMark& mark, FastRng& rng);

}  // namespace canarytrap
