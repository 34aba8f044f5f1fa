#include "libs/ingest/normalizer.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace korpus::ingest {
namespace {

using ::testing::HasSubstr;

// Code points [begin, end) of valid UTF-8 `text`.
std::string CodePointSubstr(const std::string& text, int begin, int end) {
  size_t byte_begin = text.size();
  size_t byte_end = text.size();
  int index = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool boundary =
        i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
    if (!boundary) continue;
    if (index == begin) byte_begin = i;
    if (index == end) {
      byte_end = i;
      break;
    }
    ++index;
  }
  return text.substr(byte_begin, byte_end - byte_begin);
}

struct Paragraph {
  v1::ParagraphKind kind;
  std::string text;
  bool operator==(const Paragraph& other) const {
    return kind == other.kind && text == other.text;
  }
};

std::ostream& operator<<(std::ostream& os, const Paragraph& paragraph) {
  return os << v1::ParagraphKind_Name(paragraph.kind) << " \"" << paragraph.text << "\"";
}

// The paragraphs of `document`, cut out of its text by their code point spans.
std::vector<Paragraph> Paragraphs(const v1::Document& document) {
  std::vector<Paragraph> paragraphs;
  for (const v1::Paragraph& paragraph : document.paragraphs()) {
    paragraphs.push_back(
        {paragraph.kind(), CodePointSubstr(document.text(), paragraph.begin(), paragraph.end())});
  }
  return paragraphs;
}

v1::RawArticle Text(std::string content) {
  v1::RawArticle article;
  article.set_content(std::move(content));
  article.set_format(v1::CONTENT_FORMAT_TEXT);
  return article;
}

v1::RawArticle Html(std::string content) {
  v1::RawArticle article = Text(std::move(content));
  article.set_format(v1::CONTENT_FORMAT_HTML);
  return article;
}

class NormalizerTest : public ::testing::Test {
 protected:
  absl::StatusOr<v1::Document> Normalize(const v1::RawArticle& article) {
    return normalizer_.Normalize(article);
  }
  v1::Document NormalizeOk(const v1::RawArticle& article) {
    absl::StatusOr<v1::Document> document = normalizer_.Normalize(article);
    EXPECT_TRUE(document.ok()) << document.status();
    return document.ok() ? *document : v1::Document();
  }

  Normalizer normalizer_ = *Normalizer::Create({});
};

constexpr v1::ParagraphKind kTitle = v1::PARAGRAPH_KIND_TITLE;
constexpr v1::ParagraphKind kHeading = v1::PARAGRAPH_KIND_HEADING;
constexpr v1::ParagraphKind kBody = v1::PARAGRAPH_KIND_BODY;

// --- Validation -------------------------------------------------------------

TEST_F(NormalizerTest, InvalidUtf8IsRejectedWithItsByteOffset) {
  // "Grüße " is 8 bytes (ü and ß take two each); the stray 0xFF is byte 8.
  absl::StatusOr<v1::Document> document = Normalize(Text("Grüße \xFF aus Köln"));
  ASSERT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(document.status().message(), "RawArticle.content is not valid UTF-8 at byte 8");
}

TEST_F(NormalizerTest, MalformedSequencesAreInvalidUtf8) {
  const std::vector<std::string> malformed = {
      "Straße\xC3",              // Truncated at the end.
      "Straße\xC3(",             // Lead byte without continuation.
      "Straße\xC0\xAF",          // Overlong '/'.
      "Straße\xED\xA0\x80",      // Encoded surrogate.
      "Straße\xF4\x90\x80\x80",  // Above U+10FFFF.
  };
  for (const std::string& content : malformed) {
    absl::StatusOr<v1::Document> document = Normalize(Text(content));
    EXPECT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument) << content;
    EXPECT_THAT(std::string(document.status().message()), HasSubstr("at byte 7")) << content;
  }
}

TEST_F(NormalizerTest, NulAndBinaryControlsAreRejected) {
  absl::StatusOr<v1::Document> nul = Normalize(Text(std::string("Der\0Rat", 7)));
  ASSERT_EQ(nul.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(nul.status().message(), "RawArticle.content contains a NUL byte at byte 3 (binary data?)");

  absl::StatusOr<v1::Document> control = Normalize(Text("Der Rat\x01tagt"));
  ASSERT_EQ(control.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(control.status().message()), HasSubstr("U+0001 at byte 7"));

  // A C1 control: the trace of Windows-1252 decoded as Latin-1.
  absl::StatusOr<v1::Document> c1 = Normalize(Text("Bonn \xC2\x96 Berlin"));
  EXPECT_EQ(c1.status().code(), absl::StatusCode::kInvalidArgument);

  // Something that looks like a PNG header.
  absl::StatusOr<v1::Document> png = Normalize(Text(std::string("\x89PNG\r\n\x1A\n\0\0\0\rIHDR", 16)));
  EXPECT_EQ(png.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(NormalizerTest, TabsAndCarriageReturnsAreText) {
  v1::Document document = NormalizeOk(Text("Die Sitzung\tbeginnt.\r\nSie endet spät.\r\n"));
  EXPECT_EQ(document.text(), "Die Sitzung beginnt.\n\nSie endet spät.");
}

TEST_F(NormalizerTest, EmptyAndWhitespaceOnlyContentIsRejected) {
  for (const std::string& content :
       {std::string(), std::string("   "), std::string(" \n\t\n\u00A0\u2003 \r\n"),
        std::string("\u200B\uFEFF\u00AD")}) {
    absl::StatusOr<v1::Document> document = Normalize(Text(content));
    ASSERT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument) << content;
    EXPECT_EQ(document.status().message(), "RawArticle.content is empty after whitespace folding");
  }
  absl::StatusOr<v1::Document> html = Normalize(Html("<html><script>var x = 1;</script><p> </p></html>"));
  EXPECT_EQ(html.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(NormalizerTest, ContentOverTheLimitIsResourceExhausted) {
  absl::StatusOr<v1::Document> document = Normalize(Text(std::string(2000000, 'a')));
  ASSERT_EQ(document.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(document.status().message(),
            "RawArticle.content is 2000000 bytes; the limit is 1048576 (--max_article_bytes)");
}

TEST_F(NormalizerTest, SizeIsCheckedBeforeAnythingElse) {
  // Invalid UTF-8 and over the limit: the size wins.
  absl::StatusOr<v1::Document> document = Normalize(Text(std::string(1048577, '\xFF')));
  EXPECT_EQ(document.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST_F(NormalizerTest, ContentExactlyAtTheLimitIsAccepted) {
  absl::StatusOr<Normalizer> small = Normalizer::Create({.max_article_bytes = 20});
  ASSERT_TRUE(small.ok());
  EXPECT_TRUE(small->Normalize(Text("Zwanzig Bytes genau.")).ok());
  EXPECT_EQ(small->Normalize(Text("Einundzwanzig Bytes!!")).status().code(),
            absl::StatusCode::kResourceExhausted);
}

TEST_F(NormalizerTest, CreateRejectsAZeroLimit) {
  EXPECT_EQ(Normalizer::Create({.max_article_bytes = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(NormalizerTest, InvalidTitleAndSourceUriAreRejected) {
  v1::RawArticle article = Text("Der Rat tagt.");
  article.set_title("Rat\xFF");
  absl::StatusOr<v1::Document> document = Normalize(article);
  ASSERT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(document.status().message(), "RawArticle.title is not valid UTF-8 at byte 3");

  article.clear_title();
  article.set_source_uri("https://example.org/\xC3");
  EXPECT_EQ(Normalize(article).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(NormalizerTest, UnknownFormatIsRejected) {
  v1::RawArticle article = Text("Der Rat tagt.");
  article.set_format(static_cast<v1::ContentFormat>(7));
  EXPECT_EQ(Normalize(article).status().code(), absl::StatusCode::kInvalidArgument);
}

// --- Metadata ---------------------------------------------------------------

TEST_F(NormalizerTest, MetadataIsCopied) {
  v1::RawArticle article = Text("Der Rat tagt.");
  (*article.mutable_metadata())["quelle"] = "Rheinische Post";
  (*article.mutable_metadata())["ressort"] = std::string(4096, 'x');  // Exactly the limit.
  article.set_source_uri("https://example.org/rat");
  article.mutable_published_at()->set_seconds(1738454400);
  v1::Document document = NormalizeOk(article);
  EXPECT_EQ(document.metadata().at("quelle"), "Rheinische Post");
  EXPECT_EQ(document.metadata().size(), 2u);
  EXPECT_EQ(document.source_uri(), "https://example.org/rat");
  EXPECT_EQ(document.published_at().seconds(), 1738454400);
}

TEST_F(NormalizerTest, TooManyMetadataEntriesAreRejected) {
  v1::RawArticle article = Text("Der Rat tagt.");
  for (int i = 0; i < 64; ++i) (*article.mutable_metadata())["k" + std::to_string(i)] = "v";
  EXPECT_TRUE(Normalize(article).ok());
  (*article.mutable_metadata())["eins-zu-viel"] = "v";
  absl::StatusOr<v1::Document> document = Normalize(article);
  ASSERT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(document.status().message(), "RawArticle.metadata has 65 entries; the limit is 64");
}

TEST_F(NormalizerTest, EmptyMetadataKeyIsRejected) {
  v1::RawArticle article = Text("Der Rat tagt.");
  (*article.mutable_metadata())[""] = "v";
  EXPECT_EQ(Normalize(article).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(NormalizerTest, OversizedMetadataValueIsRejectedNamingTheKey) {
  v1::RawArticle article = Text("Der Rat tagt.");
  (*article.mutable_metadata())["überschrift"] = std::string(4097, 'x');
  absl::StatusOr<v1::Document> document = Normalize(article);
  ASSERT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(document.status().message(),
            "RawArticle.metadata[\"überschrift\"] is 4097 bytes; the limit is 4096");
}

TEST_F(NormalizerTest, InvalidUtf8MetadataIsRejected) {
  v1::RawArticle article = Text("Der Rat tagt.");
  (*article.mutable_metadata())["quelle"] = "K\xF6ln";  // Latin-1 ö.
  absl::StatusOr<v1::Document> document = Normalize(article);
  ASSERT_EQ(document.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(document.status().message()), HasSubstr("quelle"));
}

// --- Characters -------------------------------------------------------------

TEST_F(NormalizerTest, TextIsNfc) {
  v1::Document document = NormalizeOk(Text("Die Ba\u0308ren fu\u0308hlen sich wohl."));
  EXPECT_EQ(document.text(), "Die Bären fühlen sich wohl.");
  EXPECT_EQ(document.char_count(), 27);
}

TEST_F(NormalizerTest, WhitespaceIsFolded) {
  v1::Document document = NormalizeOk(
      Text("  Der  Bundestag\t hat\u00A0heute \u2009 abgestimmt.  \n\n\u3000Die\u202FMehrheit war knapp.  "));
  EXPECT_EQ(document.text(), "Der Bundestag hat heute abgestimmt.\n\nDie Mehrheit war knapp.");
}

TEST_F(NormalizerTest, InvisibleCharactersAreRemoved) {
  v1::Document document =
      NormalizeOk(Text("\uFEFFDer Bundes\u00ADkanzler\u200B spricht mit Auf\u200Clage."));
  EXPECT_EQ(document.text(), "Der Bundeskanzler spricht mit Auflage.");
}

TEST_F(NormalizerTest, LigaturesAreSpeltOutAndQuotesKept) {
  v1::Document document = NormalizeOk(Text("Der Chef sagte: „Wir schaﬀen das.“ – ‚Gut‘ so…"));
  EXPECT_EQ(document.text(), "Der Chef sagte: „Wir schaffen das.“ – ‚Gut‘ so…");
}

// --- Paragraphs and title ---------------------------------------------------

TEST_F(NormalizerTest, BlankLinesSeparateParagraphsAndSingleNewlinesJoin) {
  v1::Document document = NormalizeOk(Text(
      "Regen in Hamburg\n\nAm Montag regnete es\nin ganz Hamburg.\n\n\n  Am Dienstag\n"
      "schien die Sonne.\n"));
  EXPECT_EQ(document.title(), "Regen in Hamburg");
  EXPECT_EQ(Paragraphs(document),
            (std::vector<Paragraph>{{kTitle, "Regen in Hamburg"},
                                    {kBody, "Am Montag regnete es in ganz Hamburg."},
                                    {kBody, "Am Dienstag schien die Sonne."}}));
}

TEST_F(NormalizerTest, WithoutBlankLinesEveryLineIsAParagraph) {
  v1::Document document = NormalizeOk(Text(
      "Regen in Hamburg\nAm Montag regnete es in ganz Hamburg.\nAm Dienstag schien die Sonne.\n"));
  EXPECT_EQ(Paragraphs(document),
            (std::vector<Paragraph>{{kTitle, "Regen in Hamburg"},
                                    {kBody, "Am Montag regnete es in ganz Hamburg."},
                                    {kBody, "Am Dienstag schien die Sonne."}}));
  EXPECT_EQ(document.text(),
            "Regen in Hamburg\n\nAm Montag regnete es in ganz Hamburg.\n\nAm Dienstag schien die Sonne.");
}

TEST_F(NormalizerTest, LongLinesStayParagraphsDespiteAStrayBlankLine) {
  const std::string first =
      "Der Stadtrat hat am Mittwochabend nach einer langen und teils hitzigen Debatte beschlossen, "
      "die Straßenbahnlinie bis zum neuen Wohngebiet im Norden der Stadt zu verlängern.";
  const std::string second =
      "Die Kosten von rund 80 Millionen Euro sollen zum größten Teil aus Fördermitteln des Bundes "
      "und des Landes kommen, der Rest aus dem städtischen Haushalt der kommenden Jahre.";
  v1::Document document =
      NormalizeOk(Text("\nNeue Linie\n" + first + "\nStreit um Kosten\n\n" + second + "\n"));
  EXPECT_EQ(Paragraphs(document), (std::vector<Paragraph>{{kTitle, "Neue Linie"},
                                                          {kBody, first},
                                                          {kHeading, "Streit um Kosten"},
                                                          {kBody, second}}));
}

TEST_F(NormalizerTest, UnicodeParagraphSeparatorIsABlankLine) {
  v1::Document document =
      NormalizeOk(Text("Am Montag regnete es\nin Hamburg.\u2029Am Dienstag nicht."));
  EXPECT_EQ(document.text(), "Am Montag regnete es in Hamburg.\n\nAm Dienstag nicht.");
}

TEST_F(NormalizerTest, FirstParagraphEndingInASentenceIsNoTitle) {
  v1::Document document =
      NormalizeOk(Text("Es regnete am Montag.\nAm Dienstag schien die Sonne."));
  EXPECT_EQ(document.title(), "");
  EXPECT_EQ(Paragraphs(document),
            (std::vector<Paragraph>{{kBody, "Es regnete am Montag."},
                                    {kBody, "Am Dienstag schien die Sonne."}}));
}

TEST_F(NormalizerTest, LongFirstParagraphIsNoTitle) {
  std::string first;
  for (int i = 0; i < 30; ++i) first += "sehr lange ";  // 330 code points.
  v1::Document document = NormalizeOk(Text(first + "Zeile\nDanach kommt Text."));
  EXPECT_EQ(document.title(), "");
  EXPECT_EQ(document.paragraphs(0).kind(), kBody);
}

TEST_F(NormalizerTest, ASingleParagraphIsNoTitle) {
  v1::Document document = NormalizeOk(Text("Nur eine Zeile ohne Punkt"));
  EXPECT_EQ(document.title(), "");
  EXPECT_EQ(Paragraphs(document), (std::vector<Paragraph>{{kBody, "Nur eine Zeile ohne Punkt"}}));
}

TEST_F(NormalizerTest, ExplicitTitleComesFirstAndIsNotRepeated) {
  v1::RawArticle article = Text("Streik bei der Bahn\nDie Züge stehen still.");
  article.set_title("  Streik bei der  Bahn ");
  v1::Document document = NormalizeOk(article);
  EXPECT_EQ(document.title(), "Streik bei der Bahn");
  EXPECT_EQ(Paragraphs(document), (std::vector<Paragraph>{{kTitle, "Streik bei der Bahn"},
                                                          {kBody, "Die Züge stehen still."}}));

  article.set_title("Bahnstreik: Was Reisende wissen müssen");
  document = NormalizeOk(article);
  EXPECT_EQ(document.title(), "Bahnstreik: Was Reisende wissen müssen");
  ASSERT_EQ(document.paragraphs_size(), 3);
  EXPECT_EQ(document.paragraphs(0).kind(), kTitle);
}

TEST_F(NormalizerTest, ShortUnpunctuatedLinesBetweenParagraphsAreHeadings) {
  v1::Document document = NormalizeOk(Text(
      "Streik bei der Bahn\n\nDie Züge stehen still.\n\nWas Reisende wissen müssen\n\n"
      "Fahrgäste sollten ihre Reise verschieben.\n\nDas Ende"));
  EXPECT_EQ(Paragraphs(document),
            (std::vector<Paragraph>{{kTitle, "Streik bei der Bahn"},
                                    {kBody, "Die Züge stehen still."},
                                    {kHeading, "Was Reisende wissen müssen"},
                                    {kBody, "Fahrgäste sollten ihre Reise verschieben."},
                                    {kBody, "Das Ende"}}));
}

TEST_F(NormalizerTest, ParagraphSpansAreCodePointOffsets) {
  v1::Document document = NormalizeOk(Text(
      "Grüße aus Köln\n\nÜber 😀 Emojis und „Anführungszeichen“ freut sich niemand.\n\n"
      "Straßenbahn fährt.\n"));
  ASSERT_EQ(document.paragraphs_size(), 3);
  EXPECT_EQ(Paragraphs(document),
            (std::vector<Paragraph>{
                {kTitle, "Grüße aus Köln"},
                {kBody, "Über 😀 Emojis und „Anführungszeichen“ freut sich niemand."},
                {kBody, "Straßenbahn fährt."}}));
  // Spans tile the text with "\n\n" between them.
  EXPECT_EQ(document.paragraphs(0).begin(), 0);
  EXPECT_EQ(document.paragraphs(0).end(), 14);
  for (int i = 1; i < document.paragraphs_size(); ++i) {
    EXPECT_EQ(document.paragraphs(i).begin(), document.paragraphs(i - 1).end() + 2);
    EXPECT_EQ(CodePointSubstr(document.text(), document.paragraphs(i - 1).end(),
                              document.paragraphs(i).begin()),
              "\n\n");
  }
  EXPECT_EQ(document.paragraphs(2).end(), document.char_count());
  EXPECT_EQ(document.char_count(), 14 + 2 + 57 + 2 + 18);
}

// --- Identity ---------------------------------------------------------------

TEST_F(NormalizerTest, IdAndHashDescribeTheNormalisedText) {
  v1::Document document = NormalizeOk(Text("Der Rat tagt."));
  EXPECT_EQ(document.content_hash().size(), 64u);
  EXPECT_EQ(document.id(), "d" + document.content_hash().substr(0, 24));
  EXPECT_EQ(document.language(), "de");
}

TEST_F(NormalizerTest, SameContentGivesTheSameIdWhateverItsSource) {
  v1::RawArticle a = Text("Streik bei der Bahn\n\nDie Züge stehen still.");
  a.set_source_uri("https://example.org/a");
  v1::RawArticle b = Text("Streik  bei der Bahn\r\n\r\nDie Zu\u0308ge stehen still.\n");
  b.set_source_uri("https://example.org/b");
  (*b.mutable_metadata())["quelle"] = "dpa";
  v1::RawArticle c = Html("<h1>Streik bei der Bahn</h1><p>Die Züge <b>stehen</b> still.</p>");
  const std::string id = NormalizeOk(a).id();
  EXPECT_EQ(NormalizeOk(b).id(), id);
  EXPECT_EQ(NormalizeOk(c).id(), id);

  v1::RawArticle different = Text("Streik bei der Bahn\n\nDie Züge fahren wieder.");
  EXPECT_NE(NormalizeOk(different).id(), id);
}

TEST_F(NormalizerTest, LanguageComesFromTheIdentifierAndThePolicy) {
  NormalizerOptions options;
  options.language.accepted = {"de", "fr"};
  absl::StatusOr<Normalizer> normalizer =
      Normalizer::Create(options, std::make_shared<FixedLanguageIdentifier>("fr"));
  ASSERT_TRUE(normalizer.ok());
  EXPECT_EQ(normalizer->Normalize(Text("Le conseil se réunit.")).value().language(), "fr");
}

TEST_F(NormalizerTest, ArticleInALanguageNotAcceptedIsRefused) {
  absl::StatusOr<Normalizer> normalizer =
      Normalizer::Create({}, std::make_shared<FixedLanguageIdentifier>("fr"));
  ASSERT_TRUE(normalizer.ok());
  // FixedLanguageIdentifier counts every byte as a letter, so this is
  // "long enough" to be judged.
  const std::string text(300, 'x');
  absl::StatusOr<v1::Document> refused = normalizer->Normalize(Text(text));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("French"));
  EXPECT_THAT(refused.status().message(), HasSubstr("German articles only"));
}

TEST_F(NormalizerTest, DefaultIdentifierIsCld2) {
  // Normalizer::Create({}) identifies languages (the default identifier
  // is CLD2, not a fixed answer).
  const v1::Document german = NormalizeOk(Text(
      "Streik bei der Bahn\n\nDie Gewerkschaft hat für Montag zu einem Warnstreik aufgerufen. "
      "Reisende müssen sich im gesamten Bundesgebiet auf Ausfälle und Verspätungen einstellen, "
      "teilte die Bahn am Sonntag mit. Auch der Güterverkehr ist betroffen."));
  EXPECT_EQ(german.language(), "de");
  absl::StatusOr<v1::Document> english = normalizer_.Normalize(Text(
      "Rail strike on Monday\n\nThe union has called a warning strike for Monday. Travellers "
      "across the country must expect cancellations and delays, the railway said on Sunday. "
      "Freight traffic is affected as well, and the company advised passengers to postpone "
      "journeys that are not necessary."));
  EXPECT_EQ(english.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(NormalizerTest, InvalidLanguagePolicyIsRefusedAtCreation) {
  NormalizerOptions options;
  options.language.accepted = {};
  EXPECT_EQ(Normalizer::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
  options.language.accepted = {"de"};
  options.language.min_accepted_percent = 101;
  EXPECT_EQ(Normalizer::Create(options).status().code(), absl::StatusCode::kInvalidArgument);
}

// --- HTML -------------------------------------------------------------------

TEST_F(NormalizerTest, HtmlWithoutHeadlineOrTitleTakesItsTitleAsTextDoes) {
  // The first paragraph is the title, as in text input; its repetition at
  // the end is furniture. Normalising the resulting text again as text
  // gives the same text (found by the normalizer fuzzer).
  const v1::Document html = NormalizeOk(Html(
      "<p>Streik bei der Bahn</p><p>Die Züge stehen still.</p><p>Streik bei der Bahn</p>"));
  EXPECT_EQ(html.title(), "Streik bei der Bahn");
  EXPECT_EQ(html.text(), "Streik bei der Bahn\n\nDie Züge stehen still.");
  EXPECT_EQ(NormalizeOk(Text(html.text())).text(), html.text());
}

TEST_F(NormalizerTest, UnclosedHeadlineAndMisnestedInlineTagsKeepTheirText) {
  const v1::Document document = NormalizeOk(Html(
      "<h1>Streik bei der Bahn<p>Die Züge <b>stehen <i>still</b></i>, wenn 3 < 4.</span>"
      "</div></p><p>Pendler warten<a href=\"x>"));
  EXPECT_EQ(document.title(), "Streik bei der Bahn");
  EXPECT_THAT(document.text(), HasSubstr("Die Züge stehen still, wenn 3 < 4."));
}

TEST_F(NormalizerTest, HtmlBecomesParagraphsWithTitleAndHeadings) {
  v1::Document document = NormalizeOk(Html(R"(<!DOCTYPE html>
<html><head><title>Streik | Zeitung</title><style>p { color: red }</style></head>
<body><nav><ul><li>Start</li><li>Politik</li></ul></nav>
<article><h1>Streik bei der  Bahn</h1>
<p>Die Züge stehen&nbsp;still.<br>Pendler&nbsp;warten.</p>
<!-- Werbung -->
<h2>Was Reisende wissen müssen</h2>
<p>Fahrgäste sollten <a href="/x">ihre Reise</a> verschieben.</p>
<script>document.write("<p>nicht das</p>");</script>
</article><footer><p>Impressum</p></footer></body></html>)"));
  EXPECT_EQ(document.title(), "Streik bei der Bahn");
  EXPECT_EQ(Paragraphs(document),
            (std::vector<Paragraph>{{kTitle, "Streik bei der Bahn"},
                                    {kBody, "Die Züge stehen still."},
                                    {kBody, "Pendler warten."},
                                    {kHeading, "Was Reisende wissen müssen"},
                                    {kBody, "Fahrgäste sollten ihre Reise verschieben."}}));
}

TEST_F(NormalizerTest, HtmlTitleElementIsTheFallbackTitle) {
  v1::Document document =
      NormalizeOk(Html("<title>Streik &amp; Chaos</title><p>Die Züge stehen still.</p>"));
  EXPECT_EQ(document.title(), "Streik & Chaos");
  EXPECT_EQ(Paragraphs(document), (std::vector<Paragraph>{{kTitle, "Streik & Chaos"},
                                                          {kBody, "Die Züge stehen still."}}));
}

TEST_F(NormalizerTest, HtmlEntitiesAreDecodedAndNfc) {
  v1::Document document = NormalizeOk(Html(
      "<p>Gr&uuml;&szlig;e &amp; K&#246;ln &lt;b&gt; &quot;x&quot; &#39;y&#39; &#x201E;z&#x201C; "
      "&#150; a&#x308; &unbekannt; & mehr</p>"));
  EXPECT_EQ(document.text(), "Grüße & Köln <b> \"x\" 'y' „z“ – ä &unbekannt; & mehr");
}

TEST_F(NormalizerTest, DeeplyNestedHtmlIsHandled) {
  std::string html;
  for (int i = 0; i < 100000; ++i) html += "<div>";
  html += "Tief verschachtelt.";
  for (int i = 0; i < 100000; ++i) html += "</div>";
  // 1.1 MB: over the default limit, so with a larger one.
  absl::StatusOr<Normalizer> normalizer = Normalizer::Create({.max_article_bytes = 4 << 20});
  ASSERT_TRUE(normalizer.ok());
  absl::StatusOr<v1::Document> document = normalizer->Normalize(Html(html));
  ASSERT_TRUE(document.ok()) << document.status();
  EXPECT_EQ(document->text(), "Tief verschachtelt.");
}

TEST_F(NormalizerTest, BrokenHtmlIsHandled) {
  EXPECT_EQ(NormalizeOk(Html("<p>Preis < 5 Euro<p>und 3 > 2")).text(),
            "Preis < 5 Euro\n\nund 3 > 2");
  EXPECT_EQ(NormalizeOk(Html("<p>Vorher</p><!-- offen <p>nie")).text(), "Vorher");
  EXPECT_EQ(NormalizeOk(Html("<p>Vorher</p><a href=\"offen>nie</a>")).text(), "Vorher");
  EXPECT_EQ(NormalizeOk(Html("<p>Vorher</p><script>nie")).text(), "Vorher");
  EXPECT_EQ(NormalizeOk(Html("<p>Vorher<span")).text(), "Vorher");
  EXPECT_EQ(NormalizeOk(Html("<p>Vorher</p></div></p></body>Nachher")).text(),
            "Vorher\n\nNachher");
  EXPECT_EQ(NormalizeOk(Html("<p class=it's>Text</p>")).text(), "Text");
}

}  // namespace
}  // namespace korpus::ingest
