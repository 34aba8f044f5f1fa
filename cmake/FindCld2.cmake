# FindCld2: Compact Language Detector 2 (Debian: libcld2-dev), which ships
# neither a CMake config nor a pkg-config file.
#
# Defines Cld2_FOUND, Cld2_INCLUDE_DIR, Cld2_LIBRARY and the imported target
# Cld2::cld2. The headers are included as <cld2/public/compact_lang_det.h>.
# libcld2 is the build with the smaller tables (83 languages, German among
# them); libcld2_full is not used.
find_path(Cld2_INCLUDE_DIR NAMES cld2/public/compact_lang_det.h)
find_library(Cld2_LIBRARY NAMES cld2)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Cld2 REQUIRED_VARS Cld2_LIBRARY Cld2_INCLUDE_DIR)
mark_as_advanced(Cld2_INCLUDE_DIR Cld2_LIBRARY)

if(Cld2_FOUND AND NOT TARGET Cld2::cld2)
  add_library(Cld2::cld2 UNKNOWN IMPORTED)
  set_target_properties(Cld2::cld2 PROPERTIES
    IMPORTED_LOCATION "${Cld2_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Cld2_INCLUDE_DIR}")
endif()
