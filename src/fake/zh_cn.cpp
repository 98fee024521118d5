// zh_CN people: name by surname frequency, ethnicity by census share (and living where that
// group lives), an address in a real county whose GB/T 2260 code starts the resident ID
// number, whose date and sequence parity match birth date and gender (GB 11643-1999).
#include "zh_cn.h"

#include <algorithm>
#include <optional>

#include "canarytrap/fake/keyed_permutation.h"
#include "canarytrap/fake/validators.h"
#include "tables.h"

namespace canarytrap::fake {

namespace {

class ZhCnGenerator final : public GeneratorBase {
 public:
  explicit ZhCnGenerator(GeneratorOptions options) : GeneratorBase(std::move(options)), t_(zh_tables()) {
    for (const std::string& r : options_.regions) {
      if (const auto it = t_.county_by_code.find(r); it != t_.county_by_code.end()) {
        regions_.push_back({true, it->second});
        continue;
      }
      if (const auto province = province_named(t_, r)) regions_.push_back({false, *province});
    }
    for (const std::string& e : options_.ethnicities) {
      if (const auto group = ethnicity_named(t_, e)) ethnic_groups_.push_back(*group);
    }
  }

  Locale locale() const override { return Locale::kZhCN; }

  void next(Person& p) override {
    p.gender = draw_gender();
    p[PersonField::kGender].assign(p.gender == Gender::kMale ? "男" : "女");
    draw_name(p);
    draw_birth_date(p);

    const County* county = nullptr;
    const Ethnicity* ethnicity = nullptr;
    if (!regions_.empty()) {
      county = &region_county();
      ethnicity = ethnic_groups_.empty() ? &ethnicity_in(county->province) : &table_ethnicity();
    } else {
      ethnicity = ethnic_groups_.empty() ? &t_.ethnicities[t_.ethnicity_weights.pick(rng_)] : &table_ethnicity();
      const std::uint32_t province_index =
          ethnicity->provinces.empty()
              ? t_.province_by_population.pick(rng_)
              : ethnicity->provinces[rng_.uniform(static_cast<std::uint32_t>(ethnicity->provinces.size()))];
      const Province& province = t_.provinces[province_index];
      county = &t_.counties[province.counties[rng_.uniform(static_cast<std::uint32_t>(province.counties.size()))]];
    }
    p[PersonField::kEthnicity].assign(ethnicity->name);
    if (ethnicity->naming == Ethnicity::Naming::kTurkic && options_.turkic_names) draw_turkic_name(p);
    if (ethnicity->naming == Ethnicity::Naming::kTibetan && options_.tibetan_names) draw_tibetan_name(p);
    const Province& province = t_.provinces[county->province];
    draw_address(p, province, *county);
    draw_id(p, *county);
    draw_mobile(p);
    draw_email(p, 0);
    draw_photo_url(p);
  }

  void redraw_email(Person& p, int attempt) override { draw_email(p, attempt); }

  std::vector<PersonField> draw_without_replacement() override {
    if (!unrepeated_) unrepeated_.emplace(t_, rng_);
    return {PersonField::kPhone};
  }

 private:
  // Where the mobile numbers drawn without replacement are up to: one shuffle of the eight
  // digits after a carrier prefix, each prefix starting at its own random place in it.
  struct Unrepeated {
    Unrepeated(const ZhTables& t, FastRng& rng) : subscriber(100'000'000, rng), cursor(t.mobile_prefixes.size()) {
      for (ShuffleCursor& c : cursor) c.start = rng.next_u64() % subscriber.size();
    }
    KeyedPermutation subscriber;
    std::vector<ShuffleCursor> cursor;  // per prefix
  };

  // A county of options_.regions: the one named, or one of the named province's.
  struct Region {
    bool county;         // index is a county's, else a province's
    std::uint32_t index;
  };
  const County& region_county() {
    const Region& r = regions_[rng_.uniform(static_cast<std::uint32_t>(regions_.size()))];
    if (r.county) return t_.counties[r.index];
    const Province& province = t_.provinces[r.index];
    return t_.counties[province.counties[rng_.uniform(static_cast<std::uint32_t>(province.counties.size()))]];
  }

  // One of options_.ethnicities' groups, as often as it is given.
  const Ethnicity& table_ethnicity() {
    return t_.ethnicities[ethnic_groups_[rng_.uniform(static_cast<std::uint32_t>(ethnic_groups_.size()))]];
  }

  // An ethnic group by census share among those living in the province (a group with no
  // provinces listed, the Han, lives everywhere); after 16 draws of groups living elsewhere,
  // the first that lives everywhere.
  const Ethnicity& ethnicity_in(std::uint32_t province) {
    for (int attempt = 0; attempt < 16; ++attempt) {
      const Ethnicity& e = t_.ethnicities[t_.ethnicity_weights.pick(rng_)];
      if (e.provinces.empty() || std::find(e.provinces.begin(), e.provinces.end(), province) != e.provinces.end()) return e;
    }
    return *std::find_if(t_.ethnicities.begin(), t_.ethnicities.end(), [](const Ethnicity& e) { return e.provinces.empty(); });
  }

  void draw_name(Person& p) {
    const NamePart& surname = t_.surnames[t_.surname_weights.pick(rng_)];
    const WeightedTable& pool = p.gender == Gender::kMale ? t_.given_male : t_.given_female;
    const NamePart& g1 = t_.given_chars[pool.pick(rng_)];
    // About a quarter of given names are one character.
    const NamePart* g2 = rng_.chance(75) ? &t_.given_chars[pool.pick(rng_)] : nullptr;
    std::string& name = p[PersonField::kName];
    name.assign(surname.text);
    name.append(g1.text);
    if (g2) name.append(g2->text);
    p[PersonField::kLastName].assign(surname.text);
    std::string& given = p[PersonField::kFirstName];
    given.assign(g1.text);
    if (g2) given.append(g2->text);
    p.family_latin.assign(surname.pinyin);
    p.given_latin.assign(g1.pinyin);
    if (g2) p.given_latin.append(g2->pinyin);
  }

  // Own name·father's name; the family name fields hold the father's name, which comes last.
  void draw_turkic_name(Person& p) {
    const std::vector<NamePart>& own = p.gender == Gender::kMale ? t_.turkic_male : t_.turkic_female;
    const NamePart& given = own[rng_.uniform(static_cast<std::uint32_t>(own.size()))];
    // A father of another name than his child's: drawn again, up to three times.
    const NamePart* father = &t_.turkic_male[rng_.uniform(static_cast<std::uint32_t>(t_.turkic_male.size()))];
    for (int i = 0; i < 3 && father->text == given.text; ++i) {
      father = &t_.turkic_male[rng_.uniform(static_cast<std::uint32_t>(t_.turkic_male.size()))];
    }
    std::string& name = p[PersonField::kName];
    name.assign(given.text);
    name.append("·");
    name.append(father->text);
    p[PersonField::kFirstName].assign(given.text);
    p[PersonField::kLastName].assign(father->text);
    p.given_latin.assign(given.pinyin);
    p.family_latin.assign(father->pinyin);
  }

  // Two name elements and no surname: a man's two of the men's (扎西多吉), a woman's one of
  // either and one of the women's (次仁卓玛). The fields for a family name hold the first.
  void draw_tibetan_name(Person& p) {
    const auto pick = [&](const std::vector<NamePart>& v) -> const NamePart& {
      return v[rng_.uniform(static_cast<std::uint32_t>(v.size()))];
    };
    const bool man = p.gender == Gender::kMale;
    const NamePart* first = &pick(t_.tibetan_male);
    if (!man) {
      const auto k = rng_.uniform(static_cast<std::uint32_t>(t_.tibetan_male.size() + t_.tibetan_female.size()));
      first = k < t_.tibetan_male.size() ? &t_.tibetan_male[k] : &t_.tibetan_female[k - t_.tibetan_male.size()];
    }
    const std::vector<NamePart>& seconds = man ? t_.tibetan_male : t_.tibetan_female;
    // Not the same element twice: drawn again, up to three times.
    const NamePart* second = &pick(seconds);
    for (int i = 0; i < 3 && second->text == first->text; ++i) second = &pick(seconds);
    std::string& name = p[PersonField::kName];
    name.assign(first->text);
    name.append(second->text);
    p[PersonField::kLastName].assign(first->text);
    p[PersonField::kFirstName].assign(second->text);
    p.family_latin.assign(first->pinyin);
    p.given_latin.assign(second->pinyin);
  }

  void draw_address(Person& p, const Province& province, const County& county) {
    p[PersonField::kProvince].assign(province.self.name);
    p[PersonField::kCity].assign(county.city);
    p[PersonField::kDistrict].assign(county.self.name);
    std::string& street = p[PersonField::kStreet];
    street.assign(t_.street_stems[rng_.uniform(static_cast<std::uint32_t>(t_.street_stems.size()))]);
    street.append(t_.street_kinds[rng_.uniform(static_cast<std::uint32_t>(t_.street_kinds.size()))]);
    append_number(street, static_cast<std::uint32_t>(rng_.between(1, 999)));
    street.append("号");
    if (rng_.chance(60)) {
      street.append(t_.street_stems[rng_.uniform(static_cast<std::uint32_t>(t_.street_stems.size()))]);
      street.append(t_.compound_kinds[rng_.uniform(static_cast<std::uint32_t>(t_.compound_kinds.size()))]);
      append_number(street, static_cast<std::uint32_t>(rng_.between(1, 30)));
      street.append("栋");
      append_number(street, static_cast<std::uint32_t>(rng_.between(1, 6)));
      street.append("单元");
      append_number(street, static_cast<std::uint32_t>(rng_.between(1, 30) * 100 + rng_.between(1, 4)));
      street.append("室");
    }
    std::string& address = p[PersonField::kAddress];
    address.assign(province.self.name);
    if (!province.municipality) address.append(county.city);
    address.append(county.self.name);
    address.append(street);
  }

  void draw_id(Person& p, const County& county) {
    std::string& id = p[PersonField::kIdNumber];
    id.assign(county.self.code);
    append_digits(id, static_cast<std::uint32_t>(p.birth_year), 4);
    append_digits(id, static_cast<std::uint32_t>(p.birth_month), 2);
    append_digits(id, static_cast<std::uint32_t>(p.birth_day), 2);
    // Sequence 001-999, odd for men, even for women.
    std::uint32_t seq = 2 * rng_.uniform(500) + (p.gender == Gender::kMale ? 1 : 0);
    if (seq == 0) seq = 2;
    append_digits(id, seq, 3);
    id += gb11643_check_char(id);
  }

  void draw_mobile(Person& p) {
    std::string& phone = p[PersonField::kPhone];
    const std::uint32_t prefix = t_.mobile_prefix_weights.pick(rng_);
    phone.assign(t_.mobile_prefixes[prefix]);
    if (unrepeated_) {
      if (const auto k = unrepeated_->cursor[prefix].next(unrepeated_->subscriber)) {
        append_digits(phone, static_cast<std::uint32_t>(*k), 8);
        return;
      }
    }
    append_random_digits(phone, 8);
  }

  // `extra_digits` random digits end the local part: for redraws of a taken address.
  void draw_email(Person& p, int extra_digits) {
    const std::string& family = p.family_latin;
    const std::string& given = p.given_latin;
    std::string& email = p[PersonField::kEmail];
    email.clear();
    switch (rng_.uniform(5)) {
      case 0:  // zhangwei1987
        email.append(family).append(given);
        append_digits(email, static_cast<std::uint32_t>(p.birth_year), 4);
        break;
      case 1:  // zhang.wei88
        email.append(family).append(".").append(given);
        append_digits(email, static_cast<std::uint32_t>(p.birth_year % 100), 2);
        break;
      case 2:  // wei.zhang0512
        email.append(given).append(".").append(family);
        append_digits(email, static_cast<std::uint32_t>(p.birth_month), 2);
        append_digits(email, static_cast<std::uint32_t>(p.birth_day), 2);
        break;
      case 3:  // zhangwei_4821
        email.append(family).append(given).append("_");
        append_random_digits(email, 4);
        break;
      default:  // zw19870512 style initials
        email += family.front();
        email.append(given);
        append_random_digits(email, 3);
        break;
    }
    append_random_digits(email, extra_digits);
    email += '@';
    email.append(pick_mail_domain());
  }

  const ZhTables& t_;
  std::vector<Region> regions_;  // options_.regions known to the tables
  std::vector<std::uint32_t> ethnic_groups_;  // options_.ethnicities known to the tables, an entry a person
  std::optional<Unrepeated> unrepeated_;  // set by draw_without_replacement()
};

}  // namespace

std::unique_ptr<PersonGenerator> make_zh_cn_generator(GeneratorOptions options) {
  return std::make_unique<ZhCnGenerator>(std::move(options));
}

}  // namespace canarytrap::fake
