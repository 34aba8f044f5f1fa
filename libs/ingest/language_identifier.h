// The seam where language identification plugs into ingest.
#ifndef KORPUS_LIBS_INGEST_LANGUAGE_IDENTIFIER_H_
#define KORPUS_LIBS_INGEST_LANGUAGE_IDENTIFIER_H_

#include <string>
#include <string_view>
#include <utility>

namespace korpus::ingest {

// Names the language of a normalised text. Implementations must be
// thread-safe: one instance serves every concurrent call.
class LanguageIdentifier {
 public:
  virtual ~LanguageIdentifier() = default;
  // A BCP-47 tag such as "de" for `text` (normalised: NFC, paragraphs
  // separated by "\n\n").
  virtual std::string Identify(std::string_view text) const = 0;
};

// Answers the same tag ("de" by default) for every text. This is not
// detection: korpus ingests German news only, and real language
// identification is a later issue that replaces this class.
class FixedLanguageIdentifier final : public LanguageIdentifier {
 public:
  explicit FixedLanguageIdentifier(std::string tag = "de") : tag_(std::move(tag)) {}
  std::string Identify(std::string_view) const override { return tag_; }

 private:
  std::string tag_;
};

}  // namespace korpus::ingest

#endif  // KORPUS_LIBS_INGEST_LANGUAGE_IDENTIFIER_H_
