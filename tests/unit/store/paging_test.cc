#include "libs/store/paging.h"

#include <gtest/gtest.h>

namespace korpus::store {
namespace {

TEST(PageSizeTest, ZeroMeansDefaultAndLimitsAreEnforced) {
  EXPECT_EQ(*EffectivePageSize(0, 50, "X.page_size"), 50);
  EXPECT_EQ(*EffectivePageSize(1, 50, "X.page_size"), 1);
  EXPECT_EQ(*EffectivePageSize(1000, 50, "X.page_size"), 1000);
  EXPECT_EQ(EffectivePageSize(1001, 50, "X.page_size").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(EffectivePageSize(-1, 50, "X.page_size").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_NE(EffectivePageSize(-1, 50, "X.page_size").status().message().find(
                "page_size must be between 0 and 1000"),
            absl::string_view::npos);
}

TEST(PageTokenTest, RoundTripsWithTheSameBinding) {
  const std::string binding = BindingOf("list\nview=1");
  absl::StatusOr<int64_t> position = DecodePageToken(EncodePageToken(42, binding), binding, "t");
  ASSERT_TRUE(position.ok()) << position.status();
  EXPECT_EQ(*position, 42);
}

TEST(PageTokenTest, BindingIsStableAndDistinguishesParameters) {
  EXPECT_EQ(BindingOf("search\nmatch=\"Senat\""), BindingOf("search\nmatch=\"Senat\""));
  EXPECT_NE(BindingOf("search\nmatch=\"Senat\""), BindingOf("search\nmatch=\"Haushalt\""));
}

TEST(PageTokenTest, RejectsGarbledAndForeignTokens) {
  const std::string binding = BindingOf("a");
  const std::string token = EncodePageToken(7, binding);
  EXPECT_EQ(DecodePageToken("not a token!", binding, "t").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken(token.substr(0, token.size() - 3), binding, "t").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken(token, BindingOf("b"), "t").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(DecodePageToken(EncodePageToken(-1, binding), binding, "t").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace korpus::store
