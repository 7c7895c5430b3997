# Every third-party package comes from Debian; their headers are SYSTEM.
find_package(Threads REQUIRED)
find_package(Boost 1.74 REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED CONFIG)
find_package(tomlplusplus REQUIRED CONFIG)
find_package(CLI11 REQUIRED CONFIG)
find_package(spdlog REQUIRED CONFIG)
find_package(fmt REQUIRED CONFIG)
find_package(ZLIB REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
# libssl-dev: HMAC-SHA1 for two-step sign-in (TOTP) in hipcoach_service, and
# TLS for `hipcoach serve --tls-cert` in hipcoach_server. libqrencode-dev for
# the QR code of the otpauth URI, linked into hipcoach_service only.
find_package(OpenSSL REQUIRED COMPONENTS Crypto SSL)
pkg_check_modules(QRENCODE REQUIRED IMPORTED_TARGET libqrencode)
# ncurses (wide, for UTF-8 text) for the terminal coach; linked into the CLI only.
set(CURSES_NEED_NCURSES TRUE)
set(CURSES_NEED_WIDE TRUE)
find_package(Curses REQUIRED)
# libharu (libhpdf-dev) writes the clinician summary's PDF; it ships neither a
# CMake config nor a pkg-config file. Linked into hipcoach_summary_pdf only.
find_library(HPDF_LIBRARY NAMES hpdf REQUIRED)
find_path(HPDF_INCLUDE_DIR NAMES hpdf.h REQUIRED)
if(NOT TARGET Hpdf::hpdf)
  add_library(Hpdf::hpdf UNKNOWN IMPORTED)
  set_target_properties(Hpdf::hpdf PROPERTIES
    IMPORTED_LOCATION "${HPDF_LIBRARY}"
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES "${HPDF_INCLUDE_DIR}"
    INTERFACE_INCLUDE_DIRECTORIES "${HPDF_INCLUDE_DIR}")
endif()
if(HIPCOACH_BUILD_TESTS)
  find_package(GTest REQUIRED CONFIG)
endif()
if(HIPCOACH_BUILD_BENCH)
  find_package(benchmark REQUIRED CONFIG)
endif()
