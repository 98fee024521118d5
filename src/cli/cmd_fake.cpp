// canarytrap fake: print fake people, registering nothing. Needs no config.
#include <charconv>
#include <csignal>
#include <cstdio>
#include <optional>

#include "canarytrap/fake/distinct_people.h"
#include "canarytrap/fake/person_writer.h"
#include "command.h"

namespace canarytrap::cli {
namespace {

class FakeCommand final : public Command {
 public:
  CLI::App* add(CLI::App& app) override {
    auto* sub = app.add_subcommand("fake", "Print realistic fake people (not registered as canaries)");
    sub->add_option("--locale", locale_, "zh_CN or en_US")->capture_default_str();
    sub->add_option("--count", count_, "How many")->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000}))
        ->capture_default_str();
    sub->add_option("--format", format_, "Output format")->check(CLI::IsMember({"csv", "jsonl"}))->capture_default_str();
    sub->add_option("--seed", seed_, "Make the output reproducible (default: unpredictable, from the CSPRNG)");
    sub->add_option("--mail-domain", mail_domains_, "Domain of the e-mail addresses (repeatable; default example.com/net/org)");
    sub->add_flag("--allow-repeats", allow_repeats_,
                  "Let ID numbers, SSNs, phones, e-mail addresses and card numbers repeat (faster; by default no "
                  "value repeats, as a table with UNIQUE constraints needs)");
    return sub;
  }

  int run(const GlobalOptions&) override {
    auto locale = parse_locale(locale_);
    if (!locale) return usage_error("--locale: " + locale.status().message());
    auto format = PersonWriter::parse_format(format_);
    if (!format) return usage_error("--format: " + format.status().message());
    GeneratorOptions options;
    if (!seed_.empty()) {
      std::uint64_t seed = 0;
      auto [end, ec] = std::from_chars(seed_.data(), seed_.data() + seed_.size(), seed);
      if (ec != std::errc() || end != seed_.data() + seed_.size()) {
        return usage_error("--seed: '" + seed_ + "' is not a whole number from 0 to 2^64-1");
      }
      options.seed = seed;
    }
    options.mail_domains = mail_domains_;
    auto gen = PersonGenerator::create(*locale, options);
    if (!gen) return usage_error("--mail-domain: " + gen.status().message());

    // A closed pipe (`| head`) ends the run quietly instead of killing it mid-write.
    std::signal(SIGPIPE, SIG_IGN);
    // No ID, SSN, phone, e-mail address or card number twice, unless asked: the output is
    // often loaded into a table with UNIQUE constraints.
    std::optional<DistinctPeople> distinct;
    if (!allow_repeats_) distinct.emplace(std::move(*gen), count_);
    PersonWriter writer(stdout, *format, locale_fields(*locale));
    writer.header();
    Person p;
    for (std::int64_t i = 0; i < count_; ++i) {
      if (!distinct) {
        (*gen)->next(p);
      } else if (Status s = distinct->next(p); !s.ok()) {
        (void)writer.flush();
        return fail(s);
      }
      writer.write(p);
      if ((i & 0xffff) == 0xffff && std::ferror(stdout)) break;
    }
    if (Status s = writer.flush(); !s.ok()) {
      return errno == EPIPE ? kExitOk : fail(s);
    }
    return kExitOk;
  }

 private:
  std::string locale_ = "zh_CN";
  std::int64_t count_ = 10;
  std::string format_ = "csv";
  std::string seed_;
  std::vector<std::string> mail_domains_;
  bool allow_repeats_ = false;
};

}  // namespace

std::unique_ptr<Command> make_fake_command() { return std::make_unique<FakeCommand>(); }

}  // namespace canarytrap::cli
