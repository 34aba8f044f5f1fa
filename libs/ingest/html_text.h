// Text extraction from HTML pages: a small tag stripper, not a conforming
// HTML parser. It keeps no element stack, so it runs in linear time and
// constant stack depth whatever the input (unclosed tags, stray '<',
// 100000 nested <div>s); it never fails, it only drops what it cannot read.
//
//   HtmlText page = ExtractHtmlText("<h1>Titel</h1><p>Erster&nbsp;Absatz</p>");
//   // page.blocks: {kHeading1, "Titel"}, {kBody, "Erster\u00A0Absatz"}
//
// What it does:
// - Drops tags, comments, <!DOCTYPE ...>, <?...?> and the content of script,
//   style, noscript, template, iframe, textarea, svg, math, nav and footer
//   (navigation and page chrome; further boilerplate removal is a later step).
// - Block elements (p, div, br, hr, h1-h6, li, ul, ol, article, section,
//   header, main, aside, blockquote, pre, table rows, figure, ...) end the
//   current block; table cells (td, th) are separated by a space; any other
//   tag (b, a, span, ...) is removed without a trace, as a browser renders it
//   ("<b>Wo</b>rt" is "Wort").
// - Decodes character references: &amp; &lt; &gt; &quot; &apos; &#39;
//   &nbsp; and a few dozen common named ones (German letters, quotes,
//   dashes, &shy;, &euro;, ...), decimal &#NNN; and hex &#xHH;. Numeric
//   references to 0x80..0x9F mean Windows-1252 (&#150; is "–"), as in
//   browsers; references to NUL, surrogates, controls or beyond U+10FFFF
//   become U+FFFD. Unknown or unterminated named references stay literal.
// - The text of the first <title> is returned separately and is not a block.
//
// Input must be valid UTF-8 (see ValidateUtf8Text); the output then is too.
// White space inside blocks is left as it is, for CleanParagraph to fold.
#ifndef KORPUS_LIBS_INGEST_HTML_TEXT_H_
#define KORPUS_LIBS_INGEST_HTML_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace korpus::ingest {

struct HtmlBlock {
  enum class Kind {
    kBody,      // Running text: p, div, li, ... or text outside any block.
    kHeading1,  // An <h1>.
    kHeading,   // An <h2> .. <h6>.
  };
  Kind kind = Kind::kBody;
  // Character references decoded; white space not folded; never empty.
  std::string text;
  // Bytes of `text` inside <a> elements (link density = link_bytes /
  // text.size(), a boilerplate signal).
  size_t link_bytes = 0;
};

struct HtmlText {
  // Content of the first <title>, references decoded; empty if none.
  std::string title;
  std::vector<HtmlBlock> blocks;
};

HtmlText ExtractHtmlText(std::string_view html);

}  // namespace korpus::ingest

#endif  // KORPUS_LIBS_INGEST_HTML_TEXT_H_
