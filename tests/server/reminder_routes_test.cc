// The reminder routes through the Router, without sockets: the schedule, the
// private calendar feed link (made, replaced, turned off) and the feed
// itself, which needs no session but only its key, and which nobody else's
// key opens.
#include "reminder_routes.h"

#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access_log.h"
#include "api.h"
#include "api_fixture.h"
#include "router.h"

namespace hipcoach::server {
namespace {

using nlohmann::json;
using testing::kOwnOrigin;
using testing::Reply;

class ReminderRoutes : public testing::ApiFixture {
 protected:
  // Thursday 2026-11-26, 15:00 UTC.
  ReminderRoutes()
      : ApiFixture(std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} +
                   std::chrono::hours{15}) {}

  Reply put_reminders(const std::string& body, const std::string& token) {
    return call({.method = "PUT", .target = "/api/v1/me/reminders", .body = body, .token = token});
  }
  Reply get_reminders(const std::string& token) {
    return call({.target = "/api/v1/me/reminders", .token = token});
  }
  // Makes a feed link and returns its path ("/api/v1/me/reminders.ics?key=...").
  std::string make_link(const std::string& token) {
    const Reply reply =
        call({.method = "POST", .target = "/api/v1/me/reminders/feed", .token = token});
    EXPECT_EQ(reply.status, 201) << reply.raw;
    return reply.body.value("path", "");
  }
  Reply feed(const std::string& path) { return call({.target = path}); }
};

TEST_F(ReminderRoutes, SaysThereAreNoRemindersAtFirst) {
  const std::string token = sign_up("pat@example.org");
  const Reply reply = get_reminders(token);
  ASSERT_EQ(reply.status, 200) << reply.raw;
  EXPECT_EQ(reply.body, json::parse(R"({"days": [], "time": null, "feed": {"active": false}})"));
  EXPECT_EQ(reply.header("Cache-Control"), "no-store");
}

TEST_F(ReminderRoutes, SavesTheDaysAndTimeAndEchoesThem) {
  const std::string token = sign_up("pat@example.org");
  const Reply saved = put_reminders(R"({"days": ["fri", "mon", "wed"], "time": "18:30"})", token);
  ASSERT_EQ(saved.status, 200) << saved.raw;
  const json expected =
      json::parse(R"({"days": ["mon", "wed", "fri"], "time": "18:30", "feed": {"active": false}})");
  EXPECT_EQ(saved.body, expected);
  EXPECT_EQ(get_reminders(token).body, expected);

  const Reply changed = put_reminders(R"({"days": ["sun"], "time": "07:05"})", token);
  EXPECT_EQ(changed.body,
            json::parse(R"({"days": ["sun"], "time": "07:05", "feed": {"active": false}})"));
}

TEST_F(ReminderRoutes, NoDaysMeansNoReminderAndNoTime) {
  const std::string token = sign_up("pat@example.org");
  const Reply saved = put_reminders(R"({"days": [], "time": "18:30"})", token);
  ASSERT_EQ(saved.status, 200) << saved.raw;
  EXPECT_EQ(saved.body, json::parse(R"({"days": [], "time": null, "feed": {"active": false}})"));
}

TEST_F(ReminderRoutes, BadInputIsA400NamingTheFieldAndSavesNothing) {
  const std::string token = sign_up("pat@example.org");
  ASSERT_EQ(put_reminders(R"({"days": ["tue"], "time": "09:00"})", token).status, 200);
  struct Case {
    const char* body;
    const char* where;
  };
  for (const Case& bad : {
           Case{R"({"days": ["mon", "funday"], "time": "18:30"})", "/days/1"},
           Case{R"({"days": ["mon", "wed", "mon"], "time": "18:30"})", "/days/2"},
           Case{R"({"days": ["mon"], "time": "25:00"})", "/time"},
           Case{R"({"days": ["mon"], "time": "7:5"})", "/time"},
           Case{R"({"days": ["mon"]})", "/time"},
           Case{R"({"days": ["mon"], "time": 1830})", "/time"},
           Case{R"({"days": "mon", "time": "18:30"})", "/days"},
           Case{R"({"days": [1], "time": "18:30"})", "/days/0"},
           Case{R"({"time": "18:30"})", "/days"},
           Case{R"({"days": [], "time": "18:30", "zone": "UTC"})", "/zone"},
           Case{R"(["mon"])", "/"},
           Case{R"({"days": [)", "/"},
       }) {
    SCOPED_TRACE(bad.body);
    const Reply reply = put_reminders(bad.body, token);
    EXPECT_EQ(reply.status, 400) << reply.raw;
    EXPECT_EQ(reply.header("Content-Type"), "application/problem+json");
    EXPECT_EQ(reply.body["where"], bad.where);
  }
  EXPECT_EQ(call({.method = "PUT",
                  .target = "/api/v1/me/reminders",
                  .body = R"({"days": [], "time": "18:30"})",
                  .token = token,
                  .content_type = "text/plain"})
                .status,
            415);
  // A large list stops at its first repeated day.
  std::string many = R"({"time": "18:30", "days": ["mon")";
  for (int i = 0; i < 100'000; ++i) many += R"(, "tue")";
  many += "]}";
  EXPECT_EQ(put_reminders(many, token).body["where"], "/days/2");
  EXPECT_EQ(get_reminders(token).body["days"], json::array({"tue"}));
}

TEST_F(ReminderRoutes, TheFeedWorksUntilTheLinkIsReplacedOrTurnedOff) {
  const std::string token = sign_up("pat@example.org");
  ASSERT_EQ(put_reminders(R"({"days": ["mon", "wed", "fri"], "time": "18:30"})", token).status,
            200);
  const std::string first = make_link(token);
  ASSERT_EQ(first.rfind("/api/v1/me/reminders.ics?key=", 0), 0U) << first;
  EXPECT_EQ(first.size(), std::string("/api/v1/me/reminders.ics?key=").size() + 43);
  EXPECT_EQ(get_reminders(token).body["feed"]["active"], true);

  const Reply calendar = feed(first);
  ASSERT_EQ(calendar.status, 200) << calendar.raw;
  EXPECT_EQ(calendar.header("Content-Type"), "text/calendar; charset=utf-8");
  EXPECT_EQ(calendar.header("Cache-Control"), "private, no-store");
  EXPECT_EQ(calendar.raw.rfind("BEGIN:VCALENDAR\r\n", 0), 0U);
  EXPECT_NE(calendar.raw.find("\r\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR\r\n"), std::string::npos);
  EXPECT_NE(calendar.raw.find("\r\nDTSTART:20261127T183000\r\n"), std::string::npos);
  EXPECT_NE(calendar.raw.find("\r\nDTSTAMP:20261126T150000Z\r\n"), std::string::npos);
  EXPECT_NE(calendar.raw.find("\r\nBEGIN:VALARM\r\n"), std::string::npos);
  // Nothing that identifies the person or their key.
  EXPECT_EQ(calendar.raw.find("pat@"), std::string::npos);
  EXPECT_EQ(calendar.raw.find(first.substr(first.find('=') + 1)), std::string::npos);

  // A new link replaces the old one at once.
  const std::string second = make_link(token);
  EXPECT_NE(second, first);
  EXPECT_EQ(feed(first).status, 404);
  EXPECT_EQ(feed(second).status, 200);

  // A changed schedule shows in the same feed.
  ASSERT_EQ(put_reminders(R"({"days": ["sun"], "time": "07:05"})", token).status, 200);
  EXPECT_NE(feed(second).raw.find("\r\nRRULE:FREQ=WEEKLY;BYDAY=SU\r\n"), std::string::npos);
  EXPECT_EQ(get_reminders(token).body["feed"]["active"], true);

  const Reply off =
      call({.method = "DELETE", .target = "/api/v1/me/reminders/feed", .token = token});
  EXPECT_EQ(off.status, 204);
  EXPECT_EQ(feed(second).status, 404);
  EXPECT_EQ(get_reminders(token).body["feed"]["active"], false);
  // Turning it off again is no error.
  EXPECT_EQ(
      call({.method = "DELETE", .target = "/api/v1/me/reminders/feed", .token = token}).status,
      204);
}

TEST_F(ReminderRoutes, ALinkMadeBeforeAnyScheduleIsACalendarWithoutEvents) {
  const std::string token = sign_up("pat@example.org");
  const std::string link = make_link(token);
  const Reply calendar = feed(link);
  ASSERT_EQ(calendar.status, 200) << calendar.raw;
  EXPECT_EQ(calendar.raw.find("BEGIN:VEVENT"), std::string::npos);
  EXPECT_EQ(get_reminders(token).body,
            json::parse(R"({"days": [], "time": null, "feed": {"active": true}})"));
}

TEST_F(ReminderRoutes, AnUnknownMissingOrMalformedKeyIsTheSame404) {
  const std::string token = sign_up("pat@example.org");
  make_link(token);
  const Reply unknown = feed("/api/v1/me/reminders.ics?key=" + std::string(43, 'A'));
  EXPECT_EQ(unknown.status, 404);
  for (const std::string& target : std::vector<std::string>{
           "/api/v1/me/reminders.ics", "/api/v1/me/reminders.ics?key=",
           "/api/v1/me/reminders.ics?key=short", "/api/v1/me/reminders.ics?other=1",
           "/api/v1/me/reminders.ics?key=" + std::string(44, 'A')}) {
    SCOPED_TRACE(target);
    const Reply reply = feed(target);
    EXPECT_EQ(reply.status, 404);
    EXPECT_EQ(reply.raw, unknown.raw);
  }
  EXPECT_EQ(unknown.body["where"], "key");
}

TEST_F(ReminderRoutes, AnotherPersonsKeyNeverReadsOrChangesYours) {
  const std::string ana = sign_up("ana@example.org");
  const std::string ben = sign_up("ben@example.org");
  ASSERT_EQ(put_reminders(R"({"days": ["mon"], "time": "08:00"})", ana).status, 200);
  ASSERT_EQ(put_reminders(R"({"days": ["sat"], "time": "20:15"})", ben).status, 200);
  const std::string ana_link = make_link(ana);
  const std::string ben_link = make_link(ben);

  // Each key opens its own schedule only.
  EXPECT_NE(feed(ana_link).raw.find("BYDAY=MO\r\n"), std::string::npos);
  EXPECT_NE(feed(ben_link).raw.find("BYDAY=SA\r\n"), std::string::npos);
  // Ben's changes and his turning off touch only his.
  ASSERT_EQ(put_reminders(R"({"days": ["tue"], "time": "09:00"})", ben).status, 200);
  EXPECT_EQ(call({.method = "DELETE", .target = "/api/v1/me/reminders/feed", .token = ben}).status,
            204);
  EXPECT_EQ(get_reminders(ana).body["days"], json::array({"mon"}));
  EXPECT_EQ(feed(ana_link).status, 200);
  EXPECT_EQ(feed(ben_link).status, 404);
  // A key is no session: it cannot be used as a Bearer token.
  const std::string ana_key = ana_link.substr(ana_link.find('=') + 1);
  EXPECT_EQ(get_reminders(ana_key).status, 401);
  EXPECT_EQ(call({.method = "PUT",
                  .target = "/api/v1/me/reminders",
                  .body = R"({"days": [], "time": "09:00"})",
                  .token = ana_key})
                .status,
            401);
}

TEST_F(ReminderRoutes, NeedASessionAndThisSitesOriginForChangesMadeWithTheCookie) {
  for (const auto& [method, target] :
       std::initializer_list<std::pair<std::string_view, std::string>>{
           {"GET", "/api/v1/me/reminders"},
           {"PUT", "/api/v1/me/reminders"},
           {"POST", "/api/v1/me/reminders/feed"},
           {"DELETE", "/api/v1/me/reminders/feed"}}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(call({.method = method, .target = target, .body = "{}"}).status, 401);
    EXPECT_EQ(call({.method = method, .target = target, .body = "{}", .token = "forged"}).status,
              401);
  }
  const std::string token = sign_up("pat@example.org");
  const std::string cookie = "hipcoach_session=" + token;
  const std::string body = R"({"days": ["mon"], "time": "18:30"})";
  EXPECT_EQ(
      call({.method = "PUT", .target = "/api/v1/me/reminders", .body = body, .cookie = cookie})
          .status,
      403);
  EXPECT_EQ(call({.method = "PUT",
                  .target = "/api/v1/me/reminders",
                  .body = body,
                  .cookie = cookie,
                  .origin = "https://evil.example"})
                .status,
            403);
  EXPECT_EQ(call({.method = "POST",
                  .target = "/api/v1/me/reminders/feed",
                  .cookie = cookie,
                  .origin = "https://evil.example"})
                .status,
            403);
  EXPECT_EQ(call({.method = "PUT",
                  .target = "/api/v1/me/reminders",
                  .body = body,
                  .cookie = cookie,
                  .origin = kOwnOrigin})
                .status,
            200);
  EXPECT_EQ(call({.target = "/api/v1/me/reminders", .cookie = cookie}).status, 200);
}

TEST_F(ReminderRoutes, AnswersOtherMethodsWith405) {
  const std::string token = sign_up("pat@example.org");
  const Reply post = call({.method = "POST", .target = "/api/v1/me/reminders", .token = token});
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.header("Allow"), "GET, HEAD, PUT");
  const Reply get_feed = call({.target = "/api/v1/me/reminders/feed", .token = token});
  EXPECT_EQ(get_feed.status, 405);
  EXPECT_EQ(get_feed.header("Allow"), "POST, DELETE");
  const std::string link = make_link(token);
  EXPECT_EQ(call({.method = "DELETE", .target = link}).status, 405);
  const Reply head = call({.method = "HEAD", .target = link});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.response.body_mode, BodyMode::kHeadersOnly);
}

TEST_F(ReminderRoutes, DeletingTheAccountEndsItsFeed) {
  const std::string token = sign_up("pat@example.org");
  ASSERT_EQ(put_reminders(R"({"days": ["mon"], "time": "18:30"})", token).status, 200);
  const std::string link = make_link(token);
  ASSERT_EQ(call({.method = "DELETE", .target = "/api/v1/me", .token = token}).status, 204);
  EXPECT_EQ(feed(link).status, 404);
}

TEST_F(ReminderRoutes, TheAccessLogNeverHoldsTheFeedKey) {
  const std::string token = sign_up("pat@example.org");
  const std::string link = make_link(token);
  const std::string key = link.substr(link.find('=') + 1);
  const std::string line = format_access_record(
      {.request_id = "3f9c01ab-1", .method = "GET", .target = link, .status = 200});
  EXPECT_EQ(line.find(key), std::string::npos) << line;
  EXPECT_NE(line.find("/api/v1/me/reminders.ics"), std::string::npos) << line;
}

}  // namespace
}  // namespace hipcoach::server
