// en_US people: names by Census/SSA frequency; an address whose city, state, ZIP prefix and
// phone area code agree; an SSN under the SSA's rules; a card number in a real issuer range
// with a valid Luhn digit.
#include "en_us.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>

#include "canarytrap/fake/keyed_permutation.h"
#include "canarytrap/fake/validators.h"
#include "tables.h"

namespace canarytrap::fake {

namespace {

class EnUsGenerator final : public GeneratorBase {
 public:
  explicit EnUsGenerator(GeneratorOptions options) : GeneratorBase(std::move(options)), t_(en_tables()) {
    // Each state named in options_.regions: its places by population, built once.
    std::map<std::string, std::uint32_t, std::less<>> state_index;
    for (std::string r : options_.regions) {
      for (char& c : r) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      auto it = state_index.find(r);
      if (it == state_index.end()) {
        WeightedTable places;
        for (std::uint32_t i = 0; i < t_.places.size(); ++i) {
          if (t_.places[i].state == r) places.add(i, std::max<std::uint32_t>(t_.places[i].population, 1));
        }
        if (places.empty()) continue;  // not a state code the tables know
        places.finish();
        it = state_index.emplace(r, static_cast<std::uint32_t>(state_places_.size())).first;
        state_places_.push_back(std::move(places));
      }
      regions_.push_back(it->second);
    }
  }

  Locale locale() const override { return Locale::kEnUS; }

  void next(Person& p) override {
    p.gender = draw_gender();
    p[PersonField::kGender].assign(p.gender == Gender::kMale ? "M" : "F");
    const auto& pool = p.gender == Gender::kMale ? t_.given_male : t_.given_female;
    const std::string_view first = t_.given[pool.pick(rng_)];
    const std::string_view last = t_.surnames[t_.surname_weights.pick(rng_)];
    p[PersonField::kFirstName].assign(first);
    p[PersonField::kLastName].assign(last);
    p[PersonField::kName].assign(first).append(" ").append(last);
    ascii_lower(first, p.given_latin);
    ascii_lower(last, p.family_latin);
    draw_birth_date(p);
    draw_ssn(p);
    const std::uint32_t place_index =
        regions_.empty() ? t_.place_weights.pick(rng_)
                         : state_places_[regions_[rng_.uniform(static_cast<std::uint32_t>(regions_.size()))]].pick(rng_);
    const Place& place = t_.places[place_index];
    draw_address(p, place);
    draw_phone(p, place_index);
    draw_email(p, 0);
    draw_card(p);
    draw_photo_url(p);
  }

  void redraw_email(Person& p, int attempt) override { draw_email(p, attempt); }

  std::vector<PersonField> draw_without_replacement() override {
    if (!unrepeated_) unrepeated_.emplace(t_, rng_);
    return {PersonField::kSsn, PersonField::kPhone, PersonField::kCardNumber};
  }

 private:
  // Where each value space drawn without replacement is up to.
  struct Unrepeated {
    Unrepeated(const EnTables& t, FastRng& rng)
        : ssn(kSsnAreas * kSsnGroups * kSsnSerials, rng), local_number(valid_exchanges().size() * 10000, rng) {
      // Each area code starts at its own random place of the one shuffle of local numbers.
      for (const Place& place : t.places) {
        auto& cursors = local.emplace_back(place.area_codes.size());
        for (ShuffleCursor& c : cursors) c.start = rng.next_u64() % local_number.size();
      }
      for (const CardRange& range : t.cards) {
        std::uint64_t size = range.high - range.low + 1;
        for (std::uint32_t d = range.prefix_digits + 1; d < range.length; ++d) size *= 10;
        card.emplace_back(size, rng);
      }
      card_cursor.resize(t.cards.size());
    }
    static constexpr std::uint64_t kSsnAreas = 898, kSsnGroups = 99, kSsnSerials = 9999;  // 666 is no area
    KeyedPermutation ssn;
    ShuffleCursor ssn_cursor;
    KeyedPermutation local_number;  // an exchange of valid_exchanges() and a line 0000-9999
    std::vector<std::vector<ShuffleCursor>> local;  // per place, per area code
    std::vector<KeyedPermutation> card;             // per card range: its prefixes and the digits after
    std::vector<ShuffleCursor> card_cursor;
  };

  // Exchanges 200-999 but the N11 service codes and 555 (mostly unassigned or fictional).
  static const std::vector<std::uint16_t>& valid_exchanges() {
    static const std::vector<std::uint16_t> list = [] {
      std::vector<std::uint16_t> v;
      for (std::uint16_t e = 200; e <= 999; ++e) {
        if (e % 100 != 11 && e != 555) v.push_back(e);
      }
      return v;
    }();
    return list;
  }

  // The names are ASCII; std::tolower would ask the C locale for every byte.
  static void ascii_lower(std::string_view in, std::string& out) {
    out.assign(in);
    for (char& c : out) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + ('a' - 'A'));
    }
  }

  void draw_ssn(Person& p) {
    std::string& ssn = p[PersonField::kSsn];
    while (unrepeated_) {
      const std::optional<std::uint64_t> next = unrepeated_->ssn_cursor.next(unrepeated_->ssn);
      if (!next) break;
      const std::uint64_t k = *next;
      constexpr std::uint64_t kPerArea = Unrepeated::kSsnGroups * Unrepeated::kSsnSerials;
      auto area = static_cast<std::uint32_t>(1 + k / kPerArea);
      if (area >= 666) ++area;
      ssn.clear();
      append_digits(ssn, area, 3);
      ssn += '-';
      append_digits(ssn, static_cast<std::uint32_t>(1 + k % kPerArea / Unrepeated::kSsnSerials), 2);
      ssn += '-';
      append_digits(ssn, static_cast<std::uint32_t>(1 + k % Unrepeated::kSsnSerials), 4);
      if (validate_ssn(ssn).ok()) return;  // not one of the famously misused numbers
    }
    for (;;) {
      ssn.clear();
      std::uint32_t area = 1 + rng_.uniform(899);  // 001-899
      if (area == 666) continue;
      append_digits(ssn, area, 3);
      ssn += '-';
      append_digits(ssn, 1 + rng_.uniform(99), 2);
      ssn += '-';
      append_digits(ssn, 1 + rng_.uniform(9999), 4);
      if (validate_ssn(ssn).ok()) return;
    }
  }

  void draw_address(Person& p, const Place& place) {
    std::string& street = p[PersonField::kStreet];
    street.clear();
    append_number(street, static_cast<std::uint32_t>(rng_.between(1, 9999)));
    street += ' ';
    street.append(t_.street_names[rng_.uniform(static_cast<std::uint32_t>(t_.street_names.size()))]);
    street += ' ';
    street.append(t_.street_suffixes[rng_.uniform(static_cast<std::uint32_t>(t_.street_suffixes.size()))]);
    p[PersonField::kCity].assign(place.city);
    p[PersonField::kState].assign(place.state);
    std::string& zip = p[PersonField::kZip];
    zip.assign(place.zip3[rng_.uniform(static_cast<std::uint32_t>(place.zip3.size()))]);
    append_digits(zip, 1 + rng_.uniform(99), 2);
    std::string& address = p[PersonField::kAddress];
    address.assign(street).append(", ").append(place.city).append(", ").append(place.state).append(" ").append(zip);
  }

  void draw_phone(Person& p, std::uint32_t place_index) {
    const Place& place = t_.places[place_index];
    std::string& phone = p[PersonField::kPhone];
    if (unrepeated_) {
      const std::uint32_t a = rng_.uniform(static_cast<std::uint32_t>(place.area_codes.size()));
      if (const auto k = unrepeated_->local[place_index][a].next(unrepeated_->local_number)) {
        phone.assign(place.area_codes[a]);
        phone += '-';
        append_digits(phone, valid_exchanges()[*k / 10000], 3);
        phone += '-';
        append_digits(phone, static_cast<std::uint32_t>(*k % 10000), 4);
        return;
      }
    }
    for (;;) {
      phone.assign(place.area_codes[rng_.uniform(static_cast<std::uint32_t>(place.area_codes.size()))]);
      phone += '-';
      append_digits(phone, 200 + rng_.uniform(800), 3);  // exchange 200-999
      phone += '-';
      append_random_digits(phone, 4);
      // N11 exchanges are service codes; 555 is mostly unassigned or fictional.
      const std::string_view exchange(phone.data() + 4, 3);
      if (exchange.substr(1) != "11" && exchange != "555" && validate_nanp_phone(phone).ok()) return;
    }
  }

  // `extra_digits` random digits end the local part: for redraws of a taken address.
  void draw_email(Person& p, int extra_digits) {
    const std::string_view first = p.given_latin, last = p.family_latin;
    std::string& email = p[PersonField::kEmail];
    email.clear();
    switch (rng_.uniform(4)) {
      case 0:  // mary.smith84
        email.append(first), email += '.', email.append(last);
        append_digits(email, static_cast<std::uint32_t>(p.birth_year % 100), 2);
        break;
      case 1:  // msmith1984
        email.append(first.substr(0, 1)), email.append(last);
        append_digits(email, static_cast<std::uint32_t>(p.birth_year), 4);
        break;
      case 2:  // marysmith_482
        email.append(first), email.append(last), email += '_';
        append_random_digits(email, 3);
        break;
      default:  // smith.mary7
        email.append(last), email += '.', email.append(first);
        append_random_digits(email, 1 + static_cast<int>(rng_.uniform(3)));
        break;
    }
    append_random_digits(email, extra_digits);
    email += '@';
    email.append(pick_mail_domain());
  }

  void draw_card(Person& p) {
    std::string& card = p[PersonField::kCardNumber];
    for (;;) {
      const std::uint32_t r = t_.card_weights.pick(rng_);
      const CardRange& range = t_.cards[r];
      card.clear();
      const std::optional<std::uint64_t> next = unrepeated_ ? unrepeated_->card_cursor[r].next(unrepeated_->card[r]) : std::nullopt;
      if (next) {
        const std::uint64_t k = *next;
        const int rest = static_cast<int>(range.length - range.prefix_digits - 1);
        std::uint64_t scale = 1;
        for (int d = 0; d < rest; ++d) scale *= 10;
        append_digits(card, range.low + static_cast<std::uint32_t>(k / scale), static_cast<int>(range.prefix_digits));
        const std::uint64_t after_prefix = k % scale;  // 11 to 14 digits: two 32-bit parts
        constexpr std::uint64_t kBillion = 1'000'000'000;
        if (rest > 9) append_digits(card, static_cast<std::uint32_t>(after_prefix / kBillion), rest - 9);
        append_digits(card, static_cast<std::uint32_t>(after_prefix % kBillion), std::min(rest, 9));
        card += luhn_check_digit(card);
        if (validate_card_number(card).ok()) return;  // not a published test number
        continue;
      }
      append_digits(card, range.low + rng_.uniform(range.high - range.low + 1), static_cast<int>(range.prefix_digits));
      append_random_digits(card, static_cast<int>(range.length - range.prefix_digits - 1));
      card += luhn_check_digit(card);
      if (validate_card_number(card).ok()) return;
    }
  }

  const EnTables& t_;
  std::vector<WeightedTable> state_places_;  // the places of each state of options_.regions
  std::vector<std::uint32_t> regions_;       // options_.regions known, as indexes into state_places_
  std::optional<Unrepeated> unrepeated_;  // set by draw_without_replacement()
};

}  // namespace

std::unique_ptr<PersonGenerator> make_en_us_generator(GeneratorOptions options) {
  return std::make_unique<EnUsGenerator>(std::move(options));
}

}  // namespace canarytrap::fake
