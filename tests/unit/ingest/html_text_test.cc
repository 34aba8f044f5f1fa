#include "libs/ingest/html_text.h"

#include <string>

#include "gtest/gtest.h"

namespace korpus::ingest {
namespace {

std::string Texts(const HtmlText& page) {
  std::string joined;
  for (const HtmlBlock& block : page.blocks) {
    if (!joined.empty()) joined += "|";
    joined += block.text;
  }
  return joined;
}

TEST(HtmlTextTest, NestedSkippedElementsAreCounted) {
  HtmlText page = ExtractHtmlText(
      "<nav><nav>Menü</nav>Mehr Menü</nav><p>Text</p><footer/><p>Danach</p>");
  // A self-closing <footer/> skips nothing.
  EXPECT_EQ(Texts(page), "Text|Danach");
}

TEST(HtmlTextTest, EndTagInsideScriptInsideNavDoesNotEndIt) {
  HtmlText page = ExtractHtmlText("<nav><script>x = '</nav>';</script>Menü</nav><p>Text</p>");
  EXPECT_EQ(Texts(page), "Text");
}

TEST(HtmlTextTest, UpperCaseTagsAreRecognised) {
  HtmlText page = ExtractHtmlText("<P>Eins</P><SCRIPT>nie</SCRIPT><DIV>Zwei</DIV>");
  EXPECT_EQ(Texts(page), "Eins|Zwei");
}

TEST(HtmlTextTest, InvalidNumericReferencesBecomeReplacementCharacters) {
  HtmlText page = ExtractHtmlText("<p>&#0;|&#xD800;|&#99999999999;|&#1;|&#x110000;|&#;|&#x;</p>");
  EXPECT_EQ(Texts(page), "\uFFFD|\uFFFD|\uFFFD|\uFFFD|\uFFFD|&#;|&#x;");
}

TEST(HtmlTextTest, Windows1252NumericReferences) {
  HtmlText page = ExtractHtmlText("<p>&#132;Ja&#147; &#150; &#128;5</p>");
  EXPECT_EQ(Texts(page), "„Ja“ – €5");
}

TEST(HtmlTextTest, FirstTitleIsKeptAndIsNoBlock) {
  HtmlText page = ExtractHtmlText("<title>Erster &amp; bester</title><title>Zweiter</title>Text");
  EXPECT_EQ(page.title, "Erster & bester");
  EXPECT_EQ(Texts(page), "Text");
}

TEST(HtmlTextTest, HeadingKinds) {
  HtmlText page = ExtractHtmlText("<h1>Titel</h1><h3>Zwischentitel</h3><p>Text</p>");
  ASSERT_EQ(page.blocks.size(), 3u);
  EXPECT_EQ(page.blocks[0].kind, HtmlBlock::Kind::kHeading1);
  EXPECT_EQ(page.blocks[1].kind, HtmlBlock::Kind::kHeading);
  EXPECT_EQ(page.blocks[2].kind, HtmlBlock::Kind::kBody);
}

TEST(HtmlTextTest, TableCellsAreSeparatedRowsAreBlocks) {
  HtmlText page =
      ExtractHtmlText("<table><tr><td>Bayern</td><td>12</td></tr><tr><td>Berlin</td></tr></table>");
  // Raw block texts: CleanParagraph folds the spaces later.
  EXPECT_EQ(Texts(page), " Bayern  12 | Berlin ");
}

TEST(HtmlTextTest, InlineTagsLeaveNoTrace) {
  EXPECT_EQ(Texts(ExtractHtmlText("<p><b>Wo</b>rt <i>und</i> <a href='x'>Link</a></p>")),
            "Wort und Link");
}

TEST(HtmlTextTest, PathologicalInputIsReadToTheEnd) {
  // Every "runs to the end of the input" path, each in linear time.
  EXPECT_EQ(Texts(ExtractHtmlText(std::string(200000, '<'))), std::string(200000, '<'));
  EXPECT_EQ(Texts(ExtractHtmlText(std::string(200000, '&'))), std::string(200000, '&'));
  EXPECT_EQ(Texts(ExtractHtmlText(std::string(100000, '<') + "/")),
            std::string(100000, '<') + "/");
  EXPECT_EQ(Texts(ExtractHtmlText("&#" + std::string(200000, '9'))), "\uFFFD");
  for (const std::string& swallowed :
       {"<a" + std::string(200000, '"'), "<a href=\"" + std::string(200000, '>'),
        "<!--" + std::string(200000, '-'), "<nav>" + std::string(200000, '<'),
        "<script>" + std::string(200000, '<')}) {
    EXPECT_EQ(Texts(ExtractHtmlText("<p>Vorher</p>" + swallowed)), "Vorher");
  }
  // Many almost-end-tags, none terminated: still linear.
  std::string almost_end_tags;
  for (int i = 0; i < 100000; ++i) almost_end_tags += "</a </scripx";
  for (const std::string& swallowed :
       {"<script>" + almost_end_tags, "<nav>" + almost_end_tags, "<title>" + almost_end_tags}) {
    EXPECT_EQ(Texts(ExtractHtmlText("<p>Vorher</p>" + swallowed)), "Vorher");
  }
  std::string nested;
  for (int i = 0; i < 100000; ++i) nested += "<nav><div><script>";
  EXPECT_TRUE(ExtractHtmlText(nested).blocks.empty());
}

}  // namespace
}  // namespace korpus::ingest
