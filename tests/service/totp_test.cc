#include "hipcoach/service/totp.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "hipcoach/service/qr_svg.h"

namespace hipcoach::service {
namespace {

using std::chrono::seconds;
using std::chrono::sys_seconds;

sys_seconds at(std::int64_t unix_seconds) { return sys_seconds{seconds{unix_seconds}}; }

// RFC 6238 Appendix B: the SHA-1 key is the ASCII text "12345678901234567890".
constexpr std::string_view kRfcKey = "12345678901234567890";

struct RfcVector {
  std::int64_t time;
  std::int64_t step;
  std::string_view eight_digits;
};
constexpr RfcVector kRfcVectors[] = {
    {59, 0x1, "94287082"},
    {1111111109, 0x23523EC, "07081804"},
    {1111111111, 0x23523ED, "14050471"},
    {1234567890, 0x273EF07, "89005924"},
    {2000000000, 0x3F940AA, "69279037"},
    {20000000000, 0x27BC86AA, "65353130"},
};

TEST(Totp, ComputesTheStepOfEachRfc6238Time) {
  for (const RfcVector& vector : kRfcVectors) {
    EXPECT_EQ(totp_step(at(vector.time)), vector.step) << "T = " << vector.time;
  }
}

TEST(Totp, MatchesTheRfc6238Sha1VectorsWithEightDigits) {
  for (const RfcVector& vector : kRfcVectors) {
    EXPECT_EQ(totp_code(kRfcKey, totp_step(at(vector.time)), 8), vector.eight_digits)
        << "T = " << vector.time;
  }
}

TEST(Totp, TruncatesTheRfc6238VectorsToSixDigits) {
  for (const RfcVector& vector : kRfcVectors) {
    EXPECT_EQ(totp_code(kRfcKey, totp_step(at(vector.time))), vector.eight_digits.substr(2))
        << "T = " << vector.time;
  }
}

TEST(Hotp, MatchesTheRfc4226AppendixDValues) {
  constexpr std::string_view kExpected[] = {"755224", "287082", "359152", "969429", "338314",
                                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t counter = 0; counter < 10; ++counter) {
    EXPECT_EQ(hotp(kRfcKey, counter), kExpected[counter]) << "counter " << counter;
  }
}

TEST(Totp, PutsTimesBefore1970InTheStepBefore) {
  EXPECT_EQ(totp_step(at(-1)), -1);
  EXPECT_EQ(totp_step(at(-30)), -1);
  EXPECT_EQ(totp_step(at(-31)), -2);
}

TEST(CheckTotp, AcceptsTheCodeOfTheCurrentStep) {
  const sys_seconds now = at(1111111111);
  const TotpCheck check = check_totp(kRfcKey, "050471", now, std::nullopt);
  EXPECT_EQ(check.outcome, TotpCheck::Outcome::kAccepted);
  EXPECT_EQ(check.step, totp_step(now));
}

TEST(CheckTotp, AcceptsTheStepBeforeAndTheStepAfter) {
  const sys_seconds now = at(1111111111);
  const std::int64_t step = totp_step(now);
  for (const std::int64_t other : {step - 1, step + 1}) {
    const TotpCheck check = check_totp(kRfcKey, totp_code(kRfcKey, other), now, std::nullopt);
    EXPECT_EQ(check.outcome, TotpCheck::Outcome::kAccepted) << "step " << other;
    EXPECT_EQ(check.step, other);
  }
}

TEST(CheckTotp, RefusesACodeTwoStepsAway) {
  const sys_seconds now = at(1111111111);
  const std::int64_t step = totp_step(now);
  for (const std::int64_t other : {step - 2, step + 2}) {
    EXPECT_EQ(check_totp(kRfcKey, totp_code(kRfcKey, other), now, std::nullopt).outcome,
              TotpCheck::Outcome::kWrong)
        << "step " << other;
  }
}

TEST(CheckTotp, RefusesTheCodeOfAStepAlreadyUsed) {
  const sys_seconds now = at(1111111111);
  const std::int64_t step = totp_step(now);
  EXPECT_EQ(check_totp(kRfcKey, totp_code(kRfcKey, step), now, step).outcome,
            TotpCheck::Outcome::kReused);
  EXPECT_EQ(check_totp(kRfcKey, totp_code(kRfcKey, step - 1), now, step).outcome,
            TotpCheck::Outcome::kReused);
}

TEST(CheckTotp, AcceptsTheNextStepAfterTheLastUsedOne) {
  const sys_seconds now = at(1111111111);
  const std::int64_t step = totp_step(now);
  const TotpCheck check = check_totp(kRfcKey, totp_code(kRfcKey, step + 1), now, step);
  EXPECT_EQ(check.outcome, TotpCheck::Outcome::kAccepted);
  EXPECT_EQ(check.step, step + 1);
}

TEST(CheckTotp, RefusesWrongCodesAndWrongShapes) {
  const sys_seconds now = at(1111111111);
  for (const std::string_view code : {"000000", "", "05047", "0504711", "05047a", "14050471"}) {
    EXPECT_EQ(check_totp(kRfcKey, code, now, std::nullopt).outcome, TotpCheck::Outcome::kWrong)
        << "code '" << code << "'";
  }
}

TEST(Base32, EncodesTheRfc4648Vectors) {
  const std::pair<std::string_view, std::string_view> kVectors[] = {
      {"", ""},
      {"f", "MY"},
      {"fo", "MZXQ"},
      {"foo", "MZXW6"},
      {"foob", "MZXW6YQ"},
      {"fooba", "MZXW6YTB"},
      {"foobar", "MZXW6YTBOI"},
  };
  for (const auto& [bytes, text] : kVectors) {
    EXPECT_EQ(base32_encode(bytes), text) << "'" << bytes << "'";
  }
}

TEST(Base32, DecodesWhatItEncodes) {
  for (std::size_t length = 1; length <= 41; ++length) {
    std::string bytes;
    for (std::size_t i = 0; i < length; ++i) bytes.push_back(static_cast<char>(i * 37 + 11));
    const auto decoded = base32_decode(base32_encode(bytes), "/secret");
    ASSERT_TRUE(decoded.has_value()) << length << ": " << decoded.error().to_string();
    EXPECT_EQ(*decoded, bytes) << "length " << length;
  }
}

TEST(Base32, DecodesLowerCaseGroupsAndPadding) {
  EXPECT_EQ(*base32_decode("mzxw 6ytb-oi======", "/secret"), "foobar");
  EXPECT_EQ(*base32_decode("MZXW6YQ=", "/secret"), "foob");
}

TEST(Base32, RoundTripsARandomSecret) {
  const std::string secret = new_totp_secret();
  ASSERT_EQ(secret.size(), kTotpSecretBytes);
  const std::string text = base32_encode(secret);
  EXPECT_EQ(text.size(), 32U);
  EXPECT_EQ(*base32_decode(text, "/secret"), secret);
}

TEST(Base32, SaysWhatIsWrongWithBadInput) {
  struct Case {
    std::string_view text;
    std::string_view message;
  };
  const Case kCases[] = {
      {"", "must not be empty"},
      {" - ", "must not be empty"},
      {"MZXW1", "must be base32 (letters A-Z and digits 2-7), found '1' at character 5"},
      {"MZ\nXW",
       "must be base32 (letters A-Z and digits 2-7), found a byte that is not a letter "
       "at character 3"},
      {"M", "has a length no base32 text can have (1 letters)"},
      {"MZXW6Y", "has a length no base32 text can have (6 letters)"},
      {"MY==MZXQ", "has padding in the middle"},
  };
  for (const Case& c : kCases) {
    const auto decoded = base32_decode(c.text, "/secret");
    ASSERT_FALSE(decoded.has_value()) << "'" << c.text << "'";
    EXPECT_EQ(decoded.error().code(), core::ErrorCode::kInvalidInput);
    EXPECT_EQ(decoded.error().where(), "/secret");
    EXPECT_EQ(decoded.error().message(), c.message) << "'" << c.text << "'";
  }
}

TEST(OtpauthUri, NamesTheIssuerAndTheParametersAndEncodesTheLabel) {
  EXPECT_EQ(otpauth_uri("ana+hip@example.org", "foobar"),
            "otpauth://totp/HipCoach:ana%2Bhip%40example.org?secret=MZXW6YTBOI&issuer=HipCoach"
            "&algorithm=SHA1&digits=6&period=30");
}

TEST(RecoveryCode, IsTwoGroupsOfFiveLowerCaseBase32Letters) {
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string code = new_recovery_code();
    ASSERT_EQ(code.size(), 11U) << code;
    EXPECT_EQ(code[5], '-') << code;
    for (std::size_t j = 0; j < code.size(); ++j) {
      if (j == 5) continue;
      EXPECT_NE(std::string_view("abcdefghijklmnopqrstuvwxyz234567").find(code[j]),
                std::string_view::npos)
          << code;
    }
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 50U);
}

TEST(RecoveryCode, HashesApartForTwoPeople) {
  EXPECT_NE(recovery_code_hash(1, "abcdefghij"), recovery_code_hash(2, "abcdefghij"));
  EXPECT_EQ(recovery_code_hash(1, "abcdefghij").size(), 64U);
}

TEST(ParseSecondFactor, ReadsSixDigitsAsATotpCode) {
  const auto parsed = parse_second_factor(" 123 456 ", "/code");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, SecondFactor::Kind::kTotp);
  EXPECT_EQ(parsed->value, "123456");
}

TEST(ParseSecondFactor, ReadsARecoveryCodeInAnyCase) {
  const auto parsed = parse_second_factor("ABCDE-fgh2j", "/code");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, SecondFactor::Kind::kRecoveryCode);
  EXPECT_EQ(parsed->value, "abcdefgh2j");
}

TEST(ParseSecondFactor, RefusesAnythingElseWithoutRepeatingIt) {
  for (const std::string_view text :
       {"", "12345", "1234567", "12a456", "abcde-fgh1j", "abcde-fghij-k", "123-456"}) {
    const auto parsed = parse_second_factor(text, "/code");
    ASSERT_FALSE(parsed.has_value()) << "'" << text << "'";
    EXPECT_EQ(parsed.error().where(), "/code");
    EXPECT_EQ(parsed.error().message(),
              "must be the 6-digit code from your authenticator app, or a recovery code like "
              "abcde-fghij");
  }
  EXPECT_FALSE(parse_second_factor(std::string(100, '1'), "/code").has_value());
}

TEST(QrSvg, DrawsAnAccessibleSvgWithAQuietZone) {
  const auto svg = qr_svg("otpauth://totp/HipCoach:a%40b.org?secret=MZXW6YTBOI", "QR <code>");
  ASSERT_TRUE(svg.has_value()) << svg.error().to_string();
  EXPECT_EQ(svg->rfind("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ", 0), 0U);
  EXPECT_NE(svg->find("role=\"img\""), std::string::npos);
  EXPECT_NE(svg->find("aria-label=\"QR &lt;code&gt;\""), std::string::npos);
  EXPECT_NE(svg->find("<title>QR &lt;code&gt;</title>"), std::string::npos);
  // The top-left finder pattern starts after the 4-module quiet zone.
  EXPECT_NE(svg->find("d=\"M4 4h7v1h-7z"), std::string::npos) << *svg;
}

TEST(QrSvg, RefusesEmptyAndOversizedText) {
  const auto empty = qr_svg("", "QR");
  ASSERT_FALSE(empty.has_value());
  EXPECT_EQ(empty.error().where(), "qr");
  const auto huge = qr_svg(std::string(5000, 'a'), "QR");
  ASSERT_FALSE(huge.has_value());
  EXPECT_EQ(huge.error().code(), core::ErrorCode::kInvalidInput);
  EXPECT_EQ(huge.error().message(), "the text is too long for a QR code");
}

}  // namespace
}  // namespace hipcoach::service
