#include "libs/nlp/tokenizer.h"

#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace korpus::nlp {
namespace {

using ::testing::ElementsAre;

class TokenizerTest : public ::testing::Test {
 protected:
  std::vector<std::string> Tokens(std::string_view text) {
    std::vector<std::string> out;
    for (const Token& token : tokenizer_.Tokenize(text).tokens) {
      out.emplace_back(token.Text(text));
    }
    return out;
  }
  std::vector<std::string> Sentences(std::string_view text) {
    std::vector<std::string> out;
    for (const Sentence& s : tokenizer_.Tokenize(text).sentences) {
      out.emplace_back(text.substr(s.begin, s.end - s.begin));
    }
    return out;
  }
  TokenKind KindOf(std::string_view text, std::string_view token_text) {
    for (const Token& token : tokenizer_.Tokenize(text).tokens) {
      if (token.Text(text) == token_text) return token.kind;
    }
    ADD_FAILURE() << "no token " << token_text;
    return TokenKind::kSymbol;
  }

  Tokenizer tokenizer_;
};

TEST_F(TokenizerTest, EmptyAndWhitespaceGiveNothing) {
  EXPECT_TRUE(tokenizer_.Tokenize("").tokens.empty());
  TokenizedText blank = tokenizer_.Tokenize(" \n\n\t ");
  EXPECT_TRUE(blank.tokens.empty());
  EXPECT_TRUE(blank.sentences.empty());
}

TEST_F(TokenizerTest, SplitsWordsAndFinalStop) {
  EXPECT_THAT(Tokens("Der Hund schläft."), ElementsAre("Der", "Hund", "schläft", "."));
}

TEST_F(TokenizerTest, OffsetsAreUtf8Bytes) {
  const std::string_view text = "Über Öl";
  TokenizedText t = tokenizer_.Tokenize(text);
  ASSERT_EQ(t.tokens.size(), 2u);
  EXPECT_EQ(t.tokens[0].begin, 0u);
  EXPECT_EQ(t.tokens[0].end, 5u);  // "Über" is 5 bytes
  EXPECT_EQ(t.tokens[1].begin, 6u);
  EXPECT_EQ(t.tokens[1].end, 9u);
}

TEST_F(TokenizerTest, AbbreviationsKeepTheirStopAndDoNotEndSentences) {
  const std::string_view text =
      "Dr. Weber kaufte z. B. Äpfel bzw. Birnen, u. a. für Nr. 5 und zahlte 3 Mio. "
      "bzw. 2 Mrd. Euro.";
  EXPECT_THAT(Tokens(text),
              ElementsAre("Dr.", "Weber", "kaufte", "z.", "B.", "Äpfel", "bzw.", "Birnen", ",",
                          "u.", "a.", "für", "Nr.", "5", "und", "zahlte", "3", "Mio.", "bzw.",
                          "2", "Mrd.", "Euro", "."));
  EXPECT_EQ(Sentences(text).size(), 1u);
  EXPECT_EQ(KindOf(text, "Dr."), TokenKind::kAbbreviation);
}

TEST_F(TokenizerTest, AbbreviationWithoutSpacesIsOneToken) {
  EXPECT_THAT(Tokens("Obst, z.B. Kirschen."), ElementsAre("Obst", ",", "z.B.", "Kirschen", "."));
  EXPECT_THAT(Tokens("Der Verein e.V. tagt."), ElementsAre("Der", "Verein", "e.V.", "tagt", "."));
}

TEST_F(TokenizerTest, DateOrdinalDoesNotEndSentence) {
  const std::string_view text = "Wir treffen uns am 2. Februar 2025 in Bonn. Dann reisen wir.";
  EXPECT_THAT(Tokens(text), ElementsAre("Wir", "treffen", "uns", "am", "2.", "Februar", "2025",
                                        "in", "Bonn", ".", "Dann", "reisen", "wir", "."));
  EXPECT_EQ(KindOf(text, "2."), TokenKind::kOrdinal);
  EXPECT_THAT(Sentences(text),
              ElementsAre("Wir treffen uns am 2. Februar 2025 in Bonn.", "Dann reisen wir."));
}

TEST_F(TokenizerTest, OrdinalBeforeNounAfterArticle) {
  EXPECT_THAT(Sentences("Sie belegte den 3. Platz im Finale."),
              ElementsAre("Sie belegte den 3. Platz im Finale."));
}

TEST_F(TokenizerTest, YearAtSentenceEndIsNotAnOrdinal) {
  EXPECT_THAT(Sentences("Das war im Jahr 2019. Seitdem ist es ruhig."),
              ElementsAre("Das war im Jahr 2019.", "Seitdem ist es ruhig."));
}

TEST_F(TokenizerTest, PercentWithAndWithoutSpace) {
  EXPECT_THAT(Tokens("17 % und 17%"), ElementsAre("17", "%", "und", "17", "%"));
  EXPECT_EQ(KindOf("17%", "%"), TokenKind::kSymbol);
  EXPECT_EQ(KindOf("17%", "17"), TokenKind::kNumber);
}

TEST_F(TokenizerTest, HyphenatedCompoundsStayWhole) {
  EXPECT_THAT(Tokens("500 Milliarden US-Dollar für KI-Chip-Exportbeschränkungen, sagte der "
                     "Nvidia-CEO."),
              ElementsAre("500", "Milliarden", "US-Dollar", "für", "KI-Chip-Exportbeschränkungen",
                          ",", "sagte", "der", "Nvidia-CEO", "."));
  EXPECT_THAT(Tokens("eine 5-jährige Pause"), ElementsAre("eine", "5-jährige", "Pause"));
}

TEST_F(TokenizerTest, DashBetweenWordsWithSpacesIsPunctuation) {
  EXPECT_THAT(Tokens("Berlin - die Stadt"), ElementsAre("Berlin", "-", "die", "Stadt"));
}

TEST_F(TokenizerTest, QuotesAreSeparateTokens) {
  EXPECT_THAT(Tokens("Er rief „Hallo“ und \"Hi\" und »Salut«."),
              ElementsAre("Er", "rief", "„", "Hallo", "“", "und", "\"", "Hi", "\"", "und", "»",
                          "Salut", "«", "."));
  EXPECT_THAT(Tokens("„Sie sagte ‚nein‘ dazu“"),
              ElementsAre("„", "Sie", "sagte", "‚", "nein", "‘", "dazu", "“"));
}

TEST_F(TokenizerTest, MissingSpaceAfterFullStopSplitsWordsAndSentences) {
  const std::string_view text = "Das spiegelt sich wider.Überparteiliche Gruppen folgen.";
  EXPECT_THAT(Tokens(text), ElementsAre("Das", "spiegelt", "sich", "wider", ".",
                                        "Überparteiliche", "Gruppen", "folgen", "."));
  EXPECT_THAT(Sentences(text),
              ElementsAre("Das spiegelt sich wider.", "Überparteiliche Gruppen folgen."));
}

TEST_F(TokenizerTest, UrlsAreSingleTokens) {
  const std::string_view text =
      "Details unter https://www.example.org/pfad?a=1&b=2. Oder www.beispiel.de/x, dann "
      "spiegel.de lesen.";
  EXPECT_THAT(Tokens(text), ElementsAre("Details", "unter", "https://www.example.org/pfad?a=1&b=2",
                                        ".", "Oder", "www.beispiel.de/x", ",", "dann",
                                        "spiegel.de", "lesen", "."));
  EXPECT_EQ(KindOf(text, "spiegel.de"), TokenKind::kUrl);
  EXPECT_EQ(Sentences(text).size(), 2u);
}

TEST_F(TokenizerTest, EmailIsOneToken) {
  const std::string_view text = "Schreiben Sie an presse.stelle@beispiel-verlag.de.";
  EXPECT_THAT(Tokens(text),
              ElementsAre("Schreiben", "Sie", "an", "presse.stelle@beispiel-verlag.de", "."));
  EXPECT_EQ(KindOf(text, "presse.stelle@beispiel-verlag.de"), TokenKind::kEmail);
}

TEST_F(TokenizerTest, GermanNumberFormats) {
  const std::string_view text = "Es kamen 1.000.000 Menschen, 3,5 Prozent mehr, um 14:30 Uhr.";
  EXPECT_THAT(Tokens(text), ElementsAre("Es", "kamen", "1.000.000", "Menschen", ",", "3,5",
                                        "Prozent", "mehr", ",", "um", "14:30", "Uhr", "."));
  EXPECT_EQ(KindOf(text, "1.000.000"), TokenKind::kNumber);
  EXPECT_EQ(KindOf(text, "14:30"), TokenKind::kNumber);
}

TEST_F(TokenizerTest, QuoteAfterFinalStopBelongsToTheSentence) {
  EXPECT_THAT(Sentences("Er sagte: „Ja.“ Dann ging er."),
              ElementsAre("Er sagte: „Ja.“", "Dann ging er."));
  EXPECT_THAT(Sentences("Sie fragte: \"Wann?\" Niemand antwortete."),
              ElementsAre("Sie fragte: \"Wann?\"", "Niemand antwortete."));
}

TEST_F(TokenizerTest, QuestionInsideQuoteFollowedByCommaContinues) {
  EXPECT_THAT(Sentences("„Wer war das?“, fragte sie."), ElementsAre("„Wer war das?“, fragte sie."));
}

TEST_F(TokenizerTest, ParagraphBreakAlwaysEndsSentence) {
  EXPECT_THAT(Sentences("Überschrift ohne Punkt\n\nDer erste Satz."),
              ElementsAre("Überschrift ohne Punkt", "Der erste Satz."));
  EXPECT_THAT(Sentences("Ende mit z. B.\n\nneuer Absatz"),
              ElementsAre("Ende mit z. B.", "neuer Absatz"));
}

TEST_F(TokenizerTest, SingleNewlineDoesNotEndSentence) {
  EXPECT_EQ(Sentences("Ein Satz über\nzwei Zeilen.").size(), 1u);
}

TEST_F(TokenizerTest, HeadlineOnItsOwnLineEndsAtTheLineBreak) {
  EXPECT_THAT(Sentences("Regierung plant Reform\nDie Regierung will handeln."),
              ElementsAre("Regierung plant Reform", "Die Regierung will handeln."));
}

TEST_F(TokenizerTest, ExclamationAndEllipsis) {
  EXPECT_THAT(Tokens("Wow!!! Und dann..."), ElementsAre("Wow", "!!!", "Und", "dann", "..."));
  EXPECT_THAT(Sentences("Wow!!! Und dann... nichts."), ElementsAre("Wow!!!", "Und dann... nichts."));
}

TEST_F(TokenizerTest, TypewriterQuotesCliticAndEmoticons) {
  EXPECT_THAT(Tokens("``Gut'' geht's :-) toll"),
              ElementsAre("``", "Gut", "''", "geht", "'s", ":-)", "toll"));
  EXPECT_THAT(Sentences("Alles bestens :) Wir kommen wieder."),
              ElementsAre("Alles bestens :)", "Wir kommen wieder."));
}

TEST(TokenizerOptionsTest, UdConventionsSplitCompoundsAndRepeatedMarks) {
  Tokenizer ud({.split_hyphenated_compounds = true, .split_repeated_marks = true});
  const std::string_view text = "Der US-Dollar fällt!!";
  std::vector<std::string> tokens;
  for (const Token& token : ud.Tokenize(text).tokens) tokens.emplace_back(token.Text(text));
  EXPECT_THAT(tokens, ElementsAre("Der", "US", "-", "Dollar", "fällt", "!", "!"));
  EXPECT_EQ(ud.Tokenize(text).sentences.size(), 1u);
}

TEST_F(TokenizerTest, InvalidUtf8DoesNotHang) {
  const std::string text = std::string("ab\xff") + "cd \xC3";
  TokenizedText t = tokenizer_.Tokenize(text);
  ASSERT_FALSE(t.tokens.empty());
  EXPECT_EQ(t.tokens.back().end, text.size());
}

TEST_F(TokenizerTest, SentencesPartitionTokens) {
  const std::string_view text = "Eins. Zwei! Drei?\n\nVier „fünf“. Sechs";
  TokenizedText t = tokenizer_.Tokenize(text);
  uint32_t next_token = 0;
  for (const Sentence& s : t.sentences) {
    EXPECT_EQ(s.first_token, next_token);
    ASSERT_GT(s.token_count, 0u);
    EXPECT_EQ(s.begin, t.tokens[s.first_token].begin);
    EXPECT_EQ(s.end, t.tokens[s.first_token + s.token_count - 1].end);
    next_token += s.token_count;
  }
  EXPECT_EQ(next_token, t.tokens.size());
  EXPECT_EQ(t.sentences.size(), 5u);
}

}  // namespace
}  // namespace korpus::nlp
