#include "libs/ingest/language_identifier.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/ingest/normalizer.h"

namespace korpus::ingest {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

// Texts written for these tests, each well over the 200 bytes of letters
// the default policy needs before it refuses anything.
constexpr char kGerman[] =
    "Der Stadtrat hat am Mittwoch nach langer Debatte beschlossen, die Straßenbahnlinie bis "
    "zum neuen Wohngebiet im Norden zu verlängern. Die Bauarbeiten sollen im kommenden "
    "Frühjahr beginnen und rund zwei Jahre dauern. Anwohner hatten sich seit Jahren für eine "
    "bessere Anbindung an die Innenstadt eingesetzt.";
constexpr char kEnglish[] =
    "The city council decided on Wednesday, after a long debate, to extend the tram line to "
    "the new housing estate in the north. Construction is due to start next spring and will "
    "take about two years. Residents had campaigned for years for a better connection to the "
    "city centre.";
constexpr char kFrench[] =
    "Le conseil municipal a décidé mercredi, après un long débat, de prolonger la ligne de "
    "tramway jusqu'au nouveau quartier résidentiel du nord. Les travaux doivent commencer au "
    "printemps prochain et durer environ deux ans. Les habitants réclamaient depuis des années "
    "une meilleure liaison avec le centre-ville.";
// German tech news with English names and terms, and a long English quote.
constexpr char kGermanWithEnglish[] =
    "Nvidia zeigt neue AI-Chips für Rechenzentren\n\n"
    "Auf der Hausmesse in San Jose hat der Chef des Chipkonzerns am Dienstag die nächste "
    "Generation seiner Grafikprozessoren vorgestellt. Die Chips sollen vor allem das Training "
    "großer Sprachmodelle beschleunigen. \"We have never seen demand like this, and every "
    "company will want its own AI factory\", sagte er vor Tausenden Zuhörern.\n\n"
    "Analysten blieben skeptisch. Das Start-up DeepSeek habe gezeigt, dass gute Modelle auch "
    "mit weniger Rechenleistung auskommen, hieß es in einer Notiz. Die Aktie gab nachbörslich "
    "um zwei Prozent nach.";
// Denglisch: German sentences made mostly of English jargon.
constexpr char kDenglisch[] =
    "Mehr Memory, mehr Performance\n\n"
    "Der neue Chip bietet AI Performance für Data Center, Cloud Computing und Edge Devices mit "
    "High Bandwidth Memory. Das Start-up setzt auf Open Source Large Language Models. Für "
    "Gaming, Rendering und Machine Learning gibt es ein Software Development Kit mit Support "
    "für CUDA und PyTorch.\n\n"
    "Im Benchmark schlägt der Chip die Konkurrenz deutlich. Der Launch ist für das dritte "
    "Quartal geplant, die Preise nennt der Hersteller noch nicht.";

LanguageGuess Identify(std::string_view text) { return Cld2LanguageIdentifier().Identify(text); }

absl::StatusOr<std::string> Decide(std::string_view text) {
  return DecideLanguage(Identify(text), LanguagePolicy{});
}

// --- Cld2LanguageIdentifier --------------------------------------------------

TEST(Cld2LanguageIdentifierTest, NamesGermanEnglishAndFrenchReliably) {
  const LanguageGuess german = Identify(kGerman);
  EXPECT_EQ(german.language, "de");
  EXPECT_TRUE(german.reliable);
  ASSERT_FALSE(german.shares.empty());
  EXPECT_EQ(german.shares[0].language, "de");
  EXPECT_GE(german.shares[0].percent, 90);
  EXPECT_GE(german.letter_bytes, 200);

  const LanguageGuess english = Identify(kEnglish);
  EXPECT_EQ(english.language, "en");
  EXPECT_TRUE(english.reliable);

  const LanguageGuess french = Identify(kFrench);
  EXPECT_EQ(french.language, "fr");
  EXPECT_TRUE(french.reliable);
}

TEST(Cld2LanguageIdentifierTest, TextWithoutLanguageIsUndetermined) {
  for (std::string_view text : {"", "OK", "12.03.2025 17:45", "GB300 NVL72 HGX B300 DGX"}) {
    SCOPED_TRACE(text);
    const LanguageGuess guess = Identify(text);
    EXPECT_EQ(guess.language, kUndeterminedLanguage);
    EXPECT_FALSE(guess.reliable);
  }
}

TEST(Cld2LanguageIdentifierTest, InvalidUtf8IsUndeterminedNotACrash) {
  const std::string broken = std::string(kEnglish) + "\xC3\x28" + kEnglish;
  const LanguageGuess guess = Identify(broken);
  EXPECT_EQ(guess.language, kUndeterminedLanguage);
  EXPECT_FALSE(guess.reliable);
}

// --- DecideLanguage with CLD2: what ingest accepts ----------------------------

TEST(DecideLanguageTest, GermanIsAccepted) {
  EXPECT_EQ(Decide(kGerman).value_or("refused"), "de");
}

TEST(DecideLanguageTest, EnglishAndFrenchAreRefusedNamingLanguageShareAndRule) {
  absl::StatusOr<std::string> english = Decide(kEnglish);
  EXPECT_EQ(english.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(english.status().message(),
              AllOf(HasSubstr("RawArticle.content"), HasSubstr("English (en, "),
                    HasSubstr("% of "), HasSubstr("korpus accepts German articles only"),
                    HasSubstr("--accepted_languages=de")));

  absl::StatusOr<std::string> french = Decide(kFrench);
  EXPECT_EQ(french.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(french.status().message(), HasSubstr("French (fr, "));
}

TEST(DecideLanguageTest, GermanWithEnglishNamesTermsAndQuotesIsAccepted) {
  EXPECT_EQ(Decide(kGermanWithEnglish).value_or("refused"), "de");
  EXPECT_EQ(Decide(kDenglisch).value_or("refused"), "de");
}

TEST(DecideLanguageTest, MixedTextIsAcceptedWhileGermanHoldsItsShare) {
  // Half German, half English: accepted (recorded as German).
  const std::string half = std::string(kGerman) + "\n\n" + kEnglish;
  EXPECT_EQ(Decide(half).value_or("refused"), "de");
  // An English article with one German sentence is still English.
  const std::string mostly_english = std::string(kEnglish) + "\n\n" + kEnglish +
                                     "\n\nDie Bauarbeiten beginnen im Frühjahr.";
  EXPECT_EQ(Decide(mostly_english).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(DecideLanguageTest, ShortTextsAndHeadlinesAreAcceptedWhateverTheyLookLike) {
  for (std::string_view text :
       {"Hallo", "Nvidia-CEO trifft Trump", "DeepSeek stellt neue AI-Chips vor",
        "Breaking News: Nvidia Q3 Earnings Beat Expectations, Stock Jumps",
        "Der neue Chip bietet AI Performance für Data Center, Cloud Computing und Edge "
        "Devices mit High Bandwidth Memory.",
        // English and French, but too short to be sure of.
        "The council decided to extend the tram line.",
        "Le conseil a décidé de prolonger la ligne de tramway."}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(Decide(text).value_or("refused"), "de");
  }
}

TEST(DecideLanguageTest, AcceptedLanguagesCanBeWidened) {
  LanguagePolicy policy;
  policy.accepted = {"de", "en"};
  EXPECT_EQ(DecideLanguage(Identify(kEnglish), policy).value_or("refused"), "en");
  absl::StatusOr<std::string> french = DecideLanguage(Identify(kFrench), policy);
  EXPECT_EQ(french.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(french.status().message(),
              AllOf(HasSubstr("articles in de,en only"), HasSubstr("--accepted_languages=de,en")));
}

// --- DecideLanguage on synthetic guesses: the rule itself -----------------------

LanguageGuess Guess(std::string language, std::vector<LanguageShare> shares, int64_t letter_bytes,
                    bool reliable) {
  return LanguageGuess{std::move(language), std::move(shares), letter_bytes, reliable};
}

TEST(DecideLanguageRuleTest, RefusesOnlyWhenReliableLongForeignAndGermanIsSmall) {
  const LanguagePolicy policy;
  const LanguageShare english{"en", 90};
  const LanguageShare german{"de", 10};
  EXPECT_FALSE(DecideLanguage(Guess("en", {english, german}, 1000, true), policy).ok());
  // Each condition alone turns the refusal into acceptance.
  EXPECT_EQ(*DecideLanguage(Guess("en", {english, german}, 1000, false), policy), "de");
  EXPECT_EQ(*DecideLanguage(Guess("en", {english, german}, 199, true), policy), "de");
  EXPECT_EQ(*DecideLanguage(Guess("en", {{"en", 80}, {"de", 20}}, 1000, true), policy), "de");
  EXPECT_EQ(*DecideLanguage(Guess("de", {english, german}, 1000, true), policy), "de");
}

TEST(DecideLanguageRuleTest, UndeterminedIsRecordedAsTheFirstAcceptedLanguage) {
  LanguagePolicy policy;
  policy.accepted = {"de", "fr"};
  EXPECT_EQ(*DecideLanguage(Guess(kUndeterminedLanguage, {}, 5000, false), policy), "de");
  // A mixed text is recorded as its largest accepted language.
  EXPECT_EQ(*DecideLanguage(Guess("en", {{"en", 50}, {"de", 20}, {"fr", 30}}, 5000, true), policy),
            "fr");
}

TEST(DecideLanguageRuleTest, PolicyIsValidated) {
  EXPECT_TRUE(ValidateLanguagePolicy(LanguagePolicy{}).ok());
  EXPECT_FALSE(ValidateLanguagePolicy(LanguagePolicy{.accepted = {}}).ok());
  EXPECT_FALSE(ValidateLanguagePolicy(LanguagePolicy{.accepted = {""}}).ok());
  EXPECT_FALSE(ValidateLanguagePolicy(LanguagePolicy{.min_letter_bytes = -1}).ok());
  EXPECT_FALSE(ValidateLanguagePolicy(LanguagePolicy{.min_accepted_percent = -1}).ok());
}

// --- The sample corpus ----------------------------------------------------------

TEST(SeedsTest, EverySeedPassesThroughIngestAsGerman) {
  absl::StatusOr<Normalizer> normalizer = Normalizer::Create({});
  ASSERT_TRUE(normalizer.ok()) << normalizer.status();
  int seeds = 0;
  for (const auto& entry : std::filesystem::directory_iterator(KORPUS_SEEDS_DIR)) {
    if (entry.path().extension() != ".txt") continue;
    SCOPED_TRACE(entry.path().filename().string());
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    v1::RawArticle article;
    article.set_content(content.str());
    article.set_format(v1::CONTENT_FORMAT_TEXT);
    absl::StatusOr<v1::Document> document = normalizer->Normalize(article);
    ASSERT_TRUE(document.ok()) << document.status();
    EXPECT_EQ(document->language(), "de");
    ++seeds;
  }
  EXPECT_EQ(seeds, 5);
}

}  // namespace
}  // namespace korpus::ingest
