// Unit tests of libs/store/story_rows.h without a database: the conversion
// of stored annotations into the clusterer's inputs, the state's round
// trip, story ids and ListStories validation. The Put/ListStories/GetStory
// contract is in story_contract_test.cc.
#include "libs/store/story_rows.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/time/time.h"

namespace korpus::store::internal {
namespace {

using ::testing::ElementsAre;

// "Öl: „Wir bohren.“ Firma Nordöl bohrt." as an annotator would store it:
// code point offsets (Ö and „ are one code point each).
v1::Annotations Annotated() {
  v1::Annotations a;
  struct TokenSpec {
    int begin, end;
    const char* text;
    v1::TokenKind kind;
  };
  const TokenSpec tokens[] = {{0, 2, "Öl", v1::TOKEN_KIND_WORD},
                              {2, 3, ":", v1::TOKEN_KIND_PUNCTUATION},
                              {4, 5, "„", v1::TOKEN_KIND_PUNCTUATION},
                              {5, 8, "Wir", v1::TOKEN_KIND_WORD},
                              {9, 15, "bohren", v1::TOKEN_KIND_WORD},
                              {15, 16, ".", v1::TOKEN_KIND_PUNCTUATION},
                              {16, 17, "“", v1::TOKEN_KIND_PUNCTUATION},
                              {18, 23, "Firma", v1::TOKEN_KIND_WORD},
                              {24, 30, "Nordöl", v1::TOKEN_KIND_WORD},
                              {31, 36, "bohrt", v1::TOKEN_KIND_WORD},
                              {36, 37, ".", v1::TOKEN_KIND_PUNCTUATION}};
  for (const TokenSpec& spec : tokens) {
    v1::Token* token = a.add_tokens();
    token->set_begin(spec.begin);
    token->set_end(spec.end);
    token->set_text(spec.text);
    token->set_kind(spec.kind);
  }
  v1::Sentence* first = a.add_sentences();
  first->set_begin(0);
  first->set_end(17);
  first->set_first_token(0);
  first->set_token_count(7);
  v1::Sentence* second = a.add_sentences();
  second->set_begin(18);
  second->set_end(37);
  second->set_first_token(7);
  second->set_token_count(4);
  v1::DocumentEntity* nordoel = a.add_entities();
  nordoel->set_entity_id("e-nordoel");
  v1::EntityMention* mention = nordoel->add_mentions();
  mention->set_first_token(8);
  mention->set_token_count(1);
  v1::Quote* quote = a.add_quotes();
  quote->set_begin(5);
  quote->set_end(16);
  quote->set_kind(v1::QUOTE_KIND_DIRECT);
  quote->set_speaker_entity_id("e-nordoel");
  v1::Quote* term = a.add_quotes();
  term->set_begin(0);
  term->set_end(2);
  term->set_kind(v1::QUOTE_KIND_TERM);
  v1::DateMention* day = a.add_dates();
  day->set_granularity(v1::DATE_GRANULARITY_DAY);
  day->set_resolved(true);
  day->mutable_start()->set_year(2025);
  day->mutable_start()->set_month(3);
  day->mutable_start()->set_day(9);
  v1::DateMention* month = a.add_dates();
  month->set_granularity(v1::DATE_GRANULARITY_MONTH);
  month->set_resolved(true);
  month->mutable_start()->set_year(2025);
  month->mutable_start()->set_month(3);
  v1::Term* oel = a.add_terms();
  oel->set_key("öl");
  oel->set_text("Öl");
  oel->set_kind(v1::TERM_KIND_LEMMA);
  oel->set_count(1);
  oel->set_in_title(true);
  v1::Term* entity = a.add_terms();
  entity->set_key("e:e-nordoel");
  entity->set_text("Nordöl");
  entity->set_kind(v1::TERM_KIND_ENTITY);
  entity->set_count(1);
  entity->set_begin(24);
  entity->set_end(30);
  entity->set_entity_id("e-nordoel");
  a.add_terms()->set_key("");  // dropped: no key
  return a;
}

TEST(StoryRowsTest, TermsFromTheAnnotations) {
  const std::vector<nlp::TermCount> terms = StoryTerms(Annotated());
  ASSERT_EQ(terms.size(), 2u);
  EXPECT_EQ(terms[0].key, "öl");
  EXPECT_TRUE(terms[0].in_title);
  EXPECT_EQ(terms[1].kind, nlp::TermKind::kEntity);
  EXPECT_EQ(terms[1].entity_id, "e-nordoel");
  EXPECT_EQ(terms[1].begin, 24u);
}

TEST(StoryRowsTest, EvidenceFromTheAnnotations) {
  const nlp::StoryEvidence e = StoryEvidenceOf(Annotated(), 1741500000000000);
  EXPECT_THAT(e.words, ElementsAre("öl", "wir", "bohren", "firma", "nordöl", "bohrt"));
  ASSERT_EQ(e.sentence_entities.size(), 2u);
  EXPECT_TRUE(e.sentence_entities[0].empty());
  EXPECT_THAT(e.sentence_entities[1], ElementsAre("e-nordoel"));
  ASSERT_EQ(e.quotes.size(), 1u);  // the quoted term is left out
  EXPECT_THAT(e.quotes[0].words, ElementsAre("wir", "bohren"));
  EXPECT_EQ(e.quotes[0].speaker_entity_id, "e-nordoel");
  EXPECT_THAT(e.days, ElementsAre(absl::CivilDay(2025, 3, 9)));  // days only
  EXPECT_EQ(e.lead_end, 37u);  // both sentences are in the lead
  EXPECT_EQ(e.time, absl::FromUnixMicros(1741500000000000));
}

TEST(StoryRowsTest, StateRoundTrip) {
  nlp::Story story;
  story.event.first_time = absl::FromUnixSeconds(100);
  story.event.last_time = absl::FromUnixSeconds(200);
  story.centroid.terms = {{"a", "A", nlp::TermKind::kLemma, 0.5}};
  story.event.lead.terms = {{"b", "B", nlp::TermKind::kPhrase, 0.25}};
  story.event.pairs.terms = {{"p:x|y", "p:x|y", nlp::TermKind::kEntity, 1}};
  story.event.signatures = {{1, 2, 3}};
  story.event.quote_shingles = {7, 9};
  story.event.speakers = {"e-x"};
  story.event.days = {20000};
  absl::StatusOr<nlp::Story> parsed = ParseStoryState(SerializeStoryState(story), "s1");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->story_id, "s1");
  ASSERT_EQ(parsed->centroid.terms.size(), 1u);
  EXPECT_EQ(parsed->centroid.terms[0].key, "a");
  EXPECT_EQ(parsed->centroid.terms[0].weight, 0.5);
  EXPECT_EQ(parsed->event.lead.terms[0].kind, nlp::TermKind::kPhrase);
  EXPECT_EQ(parsed->event.pairs.terms[0].key, "p:x|y");
  EXPECT_EQ(parsed->event.signatures, story.event.signatures);
  EXPECT_EQ(parsed->event.quote_shingles, story.event.quote_shingles);
  EXPECT_EQ(parsed->event.speakers, story.event.speakers);
  EXPECT_EQ(parsed->event.days, story.event.days);
  EXPECT_EQ(parsed->event.first_time, story.event.first_time);
  EXPECT_EQ(parsed->event.last_time, story.event.last_time);

  EXPECT_EQ(ParseStoryState("\xff\xff", "s1").status().code(), absl::StatusCode::kDataLoss);
}

TEST(StoryRowsTest, StoryIdsAndListing) {
  EXPECT_EQ(StoryIdFor("d0123456789abcdef01234567"), "s0123456789abcdef01234567");
  v1::ListStoriesRequest request;
  absl::StatusOr<StoryListing> listing = PrepareStoryListing(request);
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->min_documents, 1);
  EXPECT_EQ(listing->page_size, kDefaultStoryPageSize);
  request.set_min_documents(-1);
  EXPECT_EQ(PrepareStoryListing(request).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ValidateGetStory({}).code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace korpus::store::internal
