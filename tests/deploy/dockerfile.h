// deploy/docker/Dockerfile as data, for checks without a container engine:
// its stages, what the runtime stage copies from where, the packages it
// installs, and the image's file layout mapped onto a local build.
#ifndef KORPUS_TESTS_DEPLOY_DOCKERFILE_H_
#define KORPUS_TESTS_DEPLOY_DOCKERFILE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace korpus::testing {

struct DockerCopy {
  std::string from_stage;  // empty: from the build context
  std::vector<std::string> sources;
  std::string destination;
};

struct DockerStage {
  std::string name;
  std::string base_image;
  std::string workdir;  // the last WORKDIR
  std::string user;     // the last USER
  std::vector<std::pair<std::string, std::string>> env;
  std::vector<DockerCopy> copies;
  // Packages named by `apt-get install` in RUN instructions.
  std::vector<std::string> apt_packages;
  // The RUN instructions, continuation lines joined.
  std::vector<std::string> runs;
};

struct Dockerfile {
  std::vector<DockerStage> stages;
  const DockerStage* Stage(const std::string& name) const;
};

// Parses the instructions this project's Dockerfile uses (FROM ... AS,
// WORKDIR, USER, ENV k=v, COPY [--from=stage] src... dest, RUN with
// backslash continuations); INVALID_ARGUMENT for a malformed line.
absl::StatusOr<Dockerfile> ParseDockerfile(const std::string& text);

// Where each path of the final image comes from on this machine: a COPY
// --from=<build stage> of <workdir>/<build dir>/x maps to <build_dir>/x, of
// <workdir>/y to <source_dir>/y; a COPY from the context maps to
// <source_dir>/y.
class ImageLayout {
 public:
  // `build_subdir` is the build stage's CMake build directory relative to its
  // WORKDIR (the `-B` argument).
  static absl::StatusOr<ImageLayout> FromDockerfile(const Dockerfile& dockerfile,
                                                    const std::string& source_dir,
                                                    const std::string& build_dir);

  // The local path of `image_path` (a copied file, or a path inside a copied
  // directory); NOT_FOUND if the image does not contain it.
  absl::StatusOr<std::string> Resolve(const std::string& image_path) const;

  // (image destination, local source) per copy, as written in the file.
  const std::vector<std::pair<std::string, std::string>>& entries() const { return entries_; }
  // The final stage's WORKDIR and PATH.
  const std::string& workdir() const { return workdir_; }
  const std::string& path_variable() const { return path_; }

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
  std::string workdir_;
  std::string path_;
};

}  // namespace korpus::testing

#endif  // KORPUS_TESTS_DEPLOY_DOCKERFILE_H_
