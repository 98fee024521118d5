// `canarytrap keys`: the key printed once, never listed, revocable.
#include "cli/cli_fixture.h"

namespace canarytrap::testing {
namespace {

class KeysTest : public CliTest {
 protected:
  void SetUp() override { init(); }
};

TEST_F(KeysTest, CreateListRevoke) {
  auto created = ct({"keys", "create", "--name", "alice", "--role", "admin"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string key = created.out.substr(0, created.out.find('\n'));
  EXPECT_EQ(key.rfind("ctk_", 0), 0u);
  EXPECT_NE(created.err.find("shown only now"), std::string::npos);
  auto listed = ct({"keys", "list"});
  ASSERT_EQ(listed.exit_code, 0);
  EXPECT_NE(listed.out.find("alice\tadmin"), std::string::npos) << listed.out;
  EXPECT_EQ(listed.out.find(key), std::string::npos);
  auto json = json_of(ct({"keys", "list", "--json"}));
  ASSERT_EQ(json.size(), 1u);
  EXPECT_EQ(json[0]["role"], "admin");
  EXPECT_FALSE(json[0].contains("key"));
  ASSERT_EQ(ct({"keys", "revoke", "alice"}).exit_code, 0);
  EXPECT_TRUE(json_of(ct({"keys", "list", "--json"}))[0]["revoked_at"].is_string());
  expect_one_line_error(ct({"keys", "revoke", "bob"}), 1, "no key named 'bob'");
  expect_one_line_error(ct({"keys", "create", "--name", "alice"}), 1, "exists already");
  auto bad_role = ct({"keys", "create", "--name", "x", "--role", "root"});
  EXPECT_EQ(bad_role.exit_code, 2);
}

}  // namespace
}  // namespace canarytrap::testing
