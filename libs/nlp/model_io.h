// Little-endian binary model files with a magic string and a format
// version, so that loading a file of another kind or version is a clear
// error instead of garbage.
//
// Layout: magic bytes, uint32 version, then the payload written by the
// model's own Save(): uint8, uint32, uint64, float32 (little-endian) and
// strings (varint length, then the bytes).
#ifndef KORPUS_LIBS_NLP_MODEL_IO_H_
#define KORPUS_LIBS_NLP_MODEL_IO_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace korpus::nlp {

class ModelWriter {
 public:
  ModelWriter(std::string_view magic, uint32_t version);
  void U8(uint8_t value) { data_.push_back(static_cast<char>(value)); }
  void U32(uint32_t value);
  void U64(uint64_t value);
  void F32(float value);
  void Str(std::string_view value);
  const std::string& data() const { return data_; }
  // Writes the file atomically enough for a build step (write, then rename).
  absl::Status WriteTo(const std::string& path) const;

 private:
  std::string data_;
};

class ModelReader {
 public:
  // Reads `path` whole. NOT_FOUND if missing; DATA_LOSS if the magic differs;
  // FAILED_PRECONDITION if the version differs (message names both versions).
  static absl::StatusOr<ModelReader> Open(const std::string& path, std::string_view magic,
                                          uint32_t version);
  // Each returns false (and leaves the reader failed) past the end.
  bool U8(uint8_t& value);
  bool U32(uint32_t& value);
  bool U64(uint64_t& value);
  bool F32(float& value);
  bool Str(std::string& value);
  bool AtEnd() const { return position_ == data_.size(); }
  // DATA_LOSS naming the file, for a failed or incomplete read.
  absl::Status Corrupt() const;

 private:
  ModelReader(std::string path, std::string data, size_t position)
      : path_(std::move(path)), data_(std::move(data)), position_(position) {}
  bool Take(void* out, size_t size);

  std::string path_;
  std::string data_;
  size_t position_ = 0;
};

// 64-bit FNV-1a. Model files store feature hashes, so the hash must be the
// same in every build and process (absl::Hash is deliberately not).
inline uint64_t StableHash(std::string_view bytes, uint64_t seed = 1469598103934665603ULL) {
  uint64_t hash = seed;
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  return hash;
}

// splitmix64's finaliser: spreads the bits of a feature key (template id,
// small integers) so hashed feature tables stay well distributed.
inline uint64_t MixHash(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

}  // namespace korpus::nlp

#endif  // KORPUS_LIBS_NLP_MODEL_IO_H_
