#include "libs/nlp/model_io.h"

#include <cstdio>
#include <cstring>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "libs/nlp/conllu.h"
#include "libs/nlp/string_compat.h"

namespace korpus::nlp {

ModelWriter::ModelWriter(std::string_view magic, uint32_t version) : data_(magic) {
  U32(version);
}

void ModelWriter::U32(uint32_t value) {
  for (int k = 0; k < 4; ++k) data_.push_back(static_cast<char>((value >> (8 * k)) & 0xFF));
}

void ModelWriter::U64(uint64_t value) {
  for (int k = 0; k < 8; ++k) data_.push_back(static_cast<char>((value >> (8 * k)) & 0xFF));
}

void ModelWriter::F32(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof(bits));
  U32(bits);
}

void ModelWriter::Str(std::string_view value) {
  // Length as a base-128 varint: most strings here are shorter than 128.
  uint32_t size = static_cast<uint32_t>(value.size());
  while (size >= 0x80) {
    data_.push_back(static_cast<char>((size & 0x7F) | 0x80));
    size >>= 7;
  }
  data_.push_back(static_cast<char>(size));
  data_.append(value);
}

absl::Status ModelWriter::WriteTo(const std::string& path) const {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(data_.data(), static_cast<std::streamsize>(data_.size()));
    if (!out) return absl::UnavailableError(absl::StrCat("cannot write ", temporary));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat("cannot rename ", temporary, " to ", path));
  }
  return absl::OkStatus();
}

absl::StatusOr<ModelReader> ModelReader::Open(const std::string& path, std::string_view magic,
                                              uint32_t version) {
  absl::StatusOr<std::string> data = ReadFileToString(path);
  if (!data.ok()) return data.status();
  if (data->size() < magic.size() + 4 || data->compare(0, magic.size(), magic) != 0) {
    return absl::DataLossError(
        absl::StrCat(path, " is not a ", ToAbsl(magic), " model file"));
  }
  ModelReader reader(path, *std::move(data), magic.size());
  uint32_t file_version = 0;
  reader.U32(file_version);
  if (file_version != version) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, " has model format version ", file_version, "; this build reads version ",
                     version, " (rebuild the models with `make models`)"));
  }
  return reader;
}

bool ModelReader::Take(void* out, size_t size) {
  if (data_.size() - position_ < size) {
    position_ = data_.size() + 1;  // failed: never AtEnd()
    return false;
  }
  std::memcpy(out, data_.data() + position_, size);
  position_ += size;
  return true;
}

bool ModelReader::U8(uint8_t& value) { return Take(&value, 1); }

bool ModelReader::U32(uint32_t& value) {
  unsigned char bytes[4];
  if (!Take(bytes, 4)) return false;
  value = uint32_t(bytes[0]) | uint32_t(bytes[1]) << 8 | uint32_t(bytes[2]) << 16 |
          uint32_t(bytes[3]) << 24;
  return true;
}

bool ModelReader::U64(uint64_t& value) {
  uint32_t low, high;
  if (!U32(low) || !U32(high)) return false;
  value = uint64_t(high) << 32 | low;
  return true;
}

bool ModelReader::F32(float& value) {
  uint32_t bits;
  if (!U32(bits)) return false;
  std::memcpy(&value, &bits, sizeof(value));
  return true;
}

bool ModelReader::Str(std::string& value) {
  uint32_t size = 0;
  for (int shift = 0;; shift += 7) {
    uint8_t byte;
    if (shift > 28 || !U8(byte)) return false;
    size |= uint32_t(byte & 0x7F) << shift;
    if ((byte & 0x80) == 0) break;
  }
  if (position_ > data_.size() || data_.size() - position_ < size) {
    position_ = data_.size() + 1;
    return false;
  }
  value.assign(data_, position_, size);
  position_ += size;
  return true;
}

absl::Status ModelReader::Corrupt() const {
  return absl::DataLossError(absl::StrCat(path_, " is truncated or corrupt"));
}

}  // namespace korpus::nlp
