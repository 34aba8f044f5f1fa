#include "libs/ingest/boilerplate.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "libs/ingest/normalizer.h"

namespace korpus::ingest {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Invented article text; every paragraph of running text has 20+ words.
const char kBody1[] =
    "Die Gemeinde Talheim hat am Dienstag beschlossen, das alte Freibad am Ortsrand bis zum "
    "nächsten Sommer zu sanieren und die Becken mit einer modernen Filteranlage auszustatten.";
const char kBody2[] =
    "Der Gemeinderat rechnet mit Kosten von etwa zwei Millionen Euro, von denen das Land "
    "einen großen Teil übernehmen soll, wie der Kämmerer der Gemeinde in der Sitzung erklärte.";

v1::RawArticle Text(const std::string& content) {
  v1::RawArticle article;
  article.set_content(content);
  article.set_format(v1::CONTENT_FORMAT_TEXT);
  return article;
}

NormalizedArticle Normalize(const v1::RawArticle& article, NormalizerOptions options = {},
                            std::shared_ptr<const BoilerplateModel> model = nullptr) {
  absl::StatusOr<Normalizer> normalizer = Normalizer::Create(options, nullptr, std::move(model));
  EXPECT_TRUE(normalizer.ok());
  absl::StatusOr<NormalizedArticle> result = normalizer->NormalizeArticle(article);
  EXPECT_TRUE(result.ok()) << result.status();
  return *std::move(result);
}

TEST(BoilerplateTest, WidgetsAndCreditsAtTheEndAreRemovedAndKept) {
  const NormalizedArticle a = Normalize(Text(std::string("Freibad wird saniert\n") + kBody1 + "\n" +
                                             kBody2 + "\n" +
                                             "Text und Fotos: Redaktion Talbote\n"
                                             "Ihre Meinung zu diesem Artikel\n"
                                             "Hinterlassen Sie einen Kommentar\n"
                                             "Ihre Telefonnummer wird nicht angezeigt. "
                                             "Pflichtfelder sind markiert\n"));
  EXPECT_THAT(a.document.text(), Not(HasSubstr("Redaktion Talbote")));
  EXPECT_THAT(a.document.text(), Not(HasSubstr("Kommentar")));
  EXPECT_THAT(a.document.text(), HasSubstr("Kämmerer"));
  ASSERT_EQ(a.removed.size(), 4u);
  EXPECT_EQ(a.removed[0].text, "Text und Fotos: Redaktion Talbote");
  for (const RemovedBlock& r : a.removed) {
    EXPECT_TRUE(r.signals & kArticleTail) << r.text;
    EXPECT_EQ(r.position, a.document.paragraphs_size());
  }
  // The comment widget also matched the phrase list; the unpunctuated
  // teaser-free line "Ihre Meinung zu diesem Artikel" went on structure alone.
  EXPECT_TRUE(a.removed[2].signals & kKnownPhrase);
  EXPECT_FALSE(a.removed[1].signals & kKnownPhrase);
  EXPECT_EQ(a.document.paragraphs_size(), 3);  // title and two body paragraphs
}

TEST(BoilerplateTest, ShortHeadingsInsideTheArticleStay) {
  const NormalizedArticle a = Normalize(Text(std::string("Freibad wird saniert\n") + kBody1 +
                                             "\nKommentar der Woche\n" + kBody2 + "\n"));
  EXPECT_TRUE(a.removed.empty());
  EXPECT_THAT(a.document.text(), HasSubstr("Kommentar der Woche"));
}

TEST(BoilerplateTest, TeaserHeadlineOfAnotherArticleIsRemoved) {
  const std::string teaser =
      "Großer Vergleich der Elektroautos von Tesla, BYD und Volkswagen im Wintertest: "
      "Reichweiten schrumpfen, Ladezeiten steigen deutlich 3";
  const std::string subheading =
      "Warum die Gemeinde Talheim das Freibad trotz hoher Kosten für die Sanierung mit "
      "neuer Filteranlage erhalten will";
  const NormalizedArticle a = Normalize(Text(std::string("Freibad wird saniert\n") + kBody1 +
                                             "\n" + teaser + "\n" + subheading + "\n" + kBody2));
  ASSERT_EQ(a.removed.size(), 1u);
  EXPECT_EQ(a.removed[0].text, teaser);
  EXPECT_TRUE(a.removed[0].signals & kTeaserHeadline);
  EXPECT_TRUE(a.removed[0].signals & kForeignVocabulary);
  EXPECT_EQ(a.removed[0].position, 2);  // it stood before the subheading
  EXPECT_THAT(a.document.text(), HasSubstr(subheading));
}

TEST(BoilerplateTest, LinesRepeatedAcrossTheCorpusAreRemovedAnywhere) {
  auto model = std::make_shared<BoilerplateModel>();
  for (int k = 0; k < 20; ++k) {
    model->AddDocument({"Unterstützen Sie unabhängigen Lokaljournalismus (" + std::to_string(k) +
                            " Spenden)",
                        "Artikel Nummer " + std::to_string(k)});
  }
  const NormalizedArticle a = Normalize(
      Text(std::string("Freibad wird saniert\n") + kBody1 +
           "\nUnterstützen Sie unabhängigen Lokaljournalismus (99 Spenden)\n" + kBody2),
      {}, model);
  ASSERT_EQ(a.removed.size(), 1u);
  EXPECT_TRUE(a.removed[0].signals & kRepeatedInCorpus);
  // Without the model the line is an ordinary (short) paragraph.
  EXPECT_TRUE(Normalize(Text(std::string("Freibad wird saniert\n") + kBody1 +
                             "\nUnterstützen Sie unabhängigen Lokaljournalismus (99 Spenden)\n" +
                             kBody2))
                  .removed.empty());
}

TEST(BoilerplateTest, LinkListsInHtmlAreRemoved) {
  v1::RawArticle article;
  article.set_format(v1::CONTENT_FORMAT_HTML);
  article.set_content(std::string("<h1>Freibad wird saniert</h1><p>") + kBody1 +
                      "</p><p><a href=\"/wetter\">Wetter</a> | <a href=\"/sport\">Sport</a> | "
                      "<a href=\"/kultur\">Kultur</a></p><p>" + kBody2 +
                      " Mehr im <a href=\"/rat\">Ratsinformationssystem</a>.</p>");
  const NormalizedArticle a = Normalize(article);
  ASSERT_EQ(a.removed.size(), 1u);
  EXPECT_EQ(a.removed[0].text, "Wetter | Sport | Kultur");
  EXPECT_TRUE(a.removed[0].signals & kLinkDense);
  EXPECT_THAT(a.document.text(), HasSubstr("Ratsinformationssystem"));
}

TEST(BoilerplateTest, RepeatedTitleParagraphIsRemoved) {
  const NormalizedArticle a = Normalize(Text(std::string("Freibad wird saniert\n\nFreibad wird "
                                                         "saniert\n\n") +
                                             kBody1 + "\n\n" + kBody2));
  ASSERT_EQ(a.removed.size(), 1u);
  EXPECT_TRUE(a.removed[0].signals & kDuplicateTitle);
  EXPECT_EQ(a.document.title(), "Freibad wird saniert");
}

TEST(BoilerplateTest, DisabledKeepsEverything) {
  NormalizerOptions options;
  options.remove_boilerplate = false;
  const NormalizedArticle a = Normalize(
      Text(std::string("Freibad wird saniert\n") + kBody1 + "\nHinterlassen Sie einen Kommentar\n"),
      options);
  EXPECT_TRUE(a.removed.empty());
  EXPECT_THAT(a.document.text(), HasSubstr("Hinterlassen Sie einen Kommentar"));
}

TEST(BoilerplateModelTest, FingerprintIgnoresCaseDigitsAndPunctuation) {
  EXPECT_EQ(BoilerplateModel::Fingerprint("Kommentare (12)"),
            BoilerplateModel::Fingerprint("kommentare: 47"));
  EXPECT_EQ(BoilerplateModel::Fingerprint("Über uns"), BoilerplateModel::Fingerprint("ÜBER UNS"));
  EXPECT_NE(BoilerplateModel::Fingerprint("Kommentare"), BoilerplateModel::Fingerprint("Kommentar"));
  BoilerplateModel model;
  model.AddDocument({"Impressum", "Impressum", "Text"});
  model.AddDocument({"Impressum"});
  EXPECT_EQ(model.document_count(), 2);
  EXPECT_EQ(model.Count(BoilerplateModel::Fingerprint("Impressum")), 2);
  const BoilerplateModel copy = BoilerplateModel::FromCounts(2, model.counts());
  EXPECT_EQ(copy.Count(BoilerplateModel::Fingerprint("Text")), 1);
}

TEST(FaqTest, AnnouncedQuestionsAndAnswers) {
  const NormalizedArticle a = Normalize(Text(
      std::string("Freibad wird saniert\n\n") + kBody1 + "\n\nFragen und Antworten\n\n"
      "1. Wann öffnet das Bad wieder?\n\nNach den Plänen der Gemeinde im Juni.\n\n" + kBody2));
  ASSERT_EQ(a.faq.size(), static_cast<size_t>(a.document.paragraphs_size()));
  EXPECT_EQ(a.document.paragraphs(2).kind(), v1::PARAGRAPH_KIND_HEADING);
  EXPECT_EQ(a.faq[2], FaqRole::kNone);
  EXPECT_EQ(a.faq[3], FaqRole::kQuestion);
  EXPECT_EQ(a.faq[4], FaqRole::kAnswer);
}

TEST(FaqTest, TwoPairsWithoutHeadingButNotOneRhetoricalQuestion) {
  std::vector<BoilerplateBlock> blocks = {
      {"Freibad wird saniert", true},
      {"Was kostet die Sanierung?"},
      {"Etwa zwei Millionen Euro."},
      {"Wer bezahlt das?"},
      {"Zum großen Teil das Land."},
  };
  std::vector<FaqRole> roles = FindFaq(blocks);
  EXPECT_EQ(roles, (std::vector<FaqRole>{FaqRole::kNone, FaqRole::kQuestion, FaqRole::kAnswer,
                                          FaqRole::kQuestion, FaqRole::kAnswer}));
  blocks = {{"Freibad wird saniert", true},
            {"Wer hätte das gedacht?"},
            {"Die Gemeinde saniert das Bad."}};
  roles = FindFaq(blocks);
  EXPECT_EQ(roles, std::vector<FaqRole>(3, FaqRole::kNone));
}

}  // namespace
}  // namespace korpus::ingest
