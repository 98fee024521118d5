// `canarytrap serve` driven by real clients: dig and kdig, curl, swaks.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "cli/serve_fixture.h"

namespace canarytrap::testing {
namespace {

TEST_F(ServeTest, DnsTriggersFireOverUdpAndTcpWithSubnetAndCase) {
  const std::string name = mint("dns");
  start_serve();
  std::string mixed = name;
  for (std::size_t i = 0; i < mixed.size(); i += 2) mixed[i] = static_cast<char>(std::toupper(mixed[i]));
  auto udp = dig({mixed, "A"});
  ASSERT_EQ(udp.exit_code, 0) << udp.err;
  EXPECT_NE(udp.out.find("status: NOERROR"), std::string::npos) << udp.out;
  EXPECT_NE(udp.out.find("flags: qr aa"), std::string::npos) << udp.out;
  EXPECT_NE(udp.out.find("\n" + mixed + "."), std::string::npos) << "0x20 case not echoed:\n" << udp.out;
  EXPECT_NE(udp.out.find("127.0.0.1"), std::string::npos);
  auto tcp = dig({"+tcp", "+subnet=203.0.113.0/24", "deep.sub." + name, "AAAA"});
  ASSERT_EQ(tcp.exit_code, 0) << tcp.err;
  EXPECT_NE(tcp.out.find("CLIENT-SUBNET: 203.0.113.0/24/0"), std::string::npos) << tcp.out;
  auto kdig = run_process({"/usr/bin/kdig", "@127.0.0.1", "-p", std::to_string(dns_port_), "+tcp", name, "TXT"});
  ASSERT_EQ(kdig.exit_code, 0) << kdig.err;
  EXPECT_NE(kdig.out.find("NOERROR"), std::string::npos) << kdig.out;
  auto refused = dig({"www.example.com", "A"});
  EXPECT_NE(refused.out.find("status: REFUSED"), std::string::npos) << refused.out;

  auto h = hits(3);
  ASSERT_EQ(h.size(), 3u) << h.dump(2);
  std::map<std::string, nlohmann::json> by_transport;
  for (const auto& hit : h) {
    EXPECT_EQ(hit["channel"], "dns");
    EXPECT_EQ(hit["copy"], "prod-db");
    EXPECT_EQ(hit["value"], name);
    EXPECT_EQ(hit["source"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
    by_transport[hit["details"]["transport"].get<std::string>() + hit["details"]["qtype"].get<std::string>()] = hit;
  }
  EXPECT_EQ(by_transport["udpA"]["details"]["qname"], mixed);
  EXPECT_EQ(by_transport["tcpAAAA"]["details"]["ecs"], "203.0.113.0/24");
  EXPECT_TRUE(by_transport.contains("tcpTXT"));
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
  // The three hits on prod-db's canary are one incident of that copy.
  auto incidents = json_of(ct({"incidents", "--json"}));
  ASSERT_EQ(incidents.size(), 1u) << incidents.dump(2);
  EXPECT_EQ(incidents[0]["copy"], "prod-db");
  EXPECT_EQ(incidents[0]["hits"], 3);
  EXPECT_EQ(incidents[0]["state"], "open");
  EXPECT_EQ(incidents[0]["channels"], nlohmann::json::array({"dns"}));
}

TEST_F(ServeTest, HttpTriggerFiresAndLooksLikeAnAsset) {
  const std::string url = mint("http");
  const std::string host = url.substr(7, url.find('/', 7) - 7);
  const std::string path = url.substr(url.find('/', 7));
  start_serve();
  const auto fetch = [&](const std::string& p, const std::string& h) {
    return run_process({"/usr/bin/curl", "-s", "-D", "-", "-o", "/dev/null", "-A", "Mozilla/5.0 <script>alert(1)</script>",
                        "-H", "Host: " + h, "-H", "Referer: https://forum.example/t/123", "http://127.0.0.1:" +
                        std::to_string(http_port_) + p});
  };
  auto hit = fetch(path, host);
  ASSERT_EQ(hit.exit_code, 0) << hit.err;
  EXPECT_NE(hit.out.find("HTTP/1.1 200"), std::string::npos) << hit.out;
  EXPECT_TRUE(hit.out.find("image/jpeg") != std::string::npos || hit.out.find("image/png") != std::string::npos)
      << hit.out;
  // An unknown path of the same shape gets the same answer: the server is no oracle.
  std::string other = path;
  other.replace(other.rfind('/') + 1, 24, "0123456789abcdef01234567");
  auto miss = fetch(other, "cdn.canary.example.net");
  EXPECT_EQ(miss.out, hit.out);

  auto h = hits(1);
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0]["channel"], "http");
  EXPECT_EQ(h[0]["details"]["user_agent"], "Mozilla/5.0 <script>alert(1)</script>");  // stored as sent
  EXPECT_EQ(h[0]["details"]["referer"], "https://forum.example/t/123");
  EXPECT_EQ(h[0]["details"]["host"], host);
  EXPECT_EQ(h[0]["details"]["target"], path);
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(ServeTest, SmtpTriggerFiresAndRelayingIsRefused) {
  const std::string address = mint("smtp");
  start_serve();
  auto sent = run_process({"/usr/bin/swaks", "--server", at(smtp_port_), "--to", address, "--from", "seller@forum.example",
                           "--ehlo", "mx.forum.example", "--header", "Subject: fresh leak <b>1.2M rows</b>",
                           "--header", "Message-ID: <abc@forum.example>"});
  ASSERT_EQ(sent.exit_code, 0) << sent.out << sent.err;
  auto relay = run_process({"/usr/bin/swaks", "--server", at(smtp_port_), "--to", "someone@example.com", "--from",
                            "x@forum.example"});
  EXPECT_NE(relay.exit_code, 0);
  EXPECT_NE(relay.out.find("550 5.7.1"), std::string::npos) << relay.out;
  auto h = hits(1);
  ASSERT_EQ(h.size(), 1u) << h.dump(2);
  EXPECT_EQ(h[0]["channel"], "smtp");
  EXPECT_EQ(h[0]["value"], address);
  EXPECT_EQ(h[0]["details"]["subject"], "fresh leak <b>1.2M rows</b>");
  EXPECT_EQ(h[0]["details"]["message_id"], "<abc@forum.example>");
  EXPECT_EQ(h[0]["details"]["helo"], "mx.forum.example");
  EXPECT_FALSE(h[0]["automated"].get<bool>());
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(ServeTest, HttpsAndStartTlsWithATestCertificate) {
  const std::string url = mint("http");
  const std::string address = mint("smtp");
  const std::string host = url.substr(7, url.find('/', 7) - 7);
  const std::string path = url.substr(url.find('/', 7));
  make_cert("*.canary.example.net", dir_ / "cert.pem", dir_ / "key.pem");
  const int https_port = free_port();
  serve_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{CANARYTRAP_BIN_FOR_TESTS, "serve", "--dns", at(dns_port_), "--http", at(http_port_),
                               "--https", at(https_port), "--smtp", at(smtp_port_), "--metrics", at(metrics_port_), "--admin", ""},
      ProcessOptions{dir_.path(), {{"CANARYTRAP_TLS_CERT", (dir_ / "cert.pem").string()},
                                   {"CANARYTRAP_TLS_KEY", (dir_ / "key.pem").string()}}},
      dir_ / "serve");
  for (int i = 0; i < 500 && !(port_open(https_port) && port_open(smtp_port_)); ++i) {
    ASSERT_TRUE(serve_->running()) << serve_->err();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  auto fetched = run_process({"/usr/bin/curl", "-s", "-k", "-o", "/dev/null", "-w", "%{http_code}", "--resolve",
                              host + ":" + std::to_string(https_port) + ":127.0.0.1",
                              "https://" + host + ":" + std::to_string(https_port) + path});
  EXPECT_EQ(fetched.out, "200") << fetched.err;
  auto mailed = run_process({"/usr/bin/swaks", "--server", at(smtp_port_), "--tls", "--to", address, "--from",
                             "x@forum.example", "--header", "Subject: over tls"});
  EXPECT_EQ(mailed.exit_code, 0) << mailed.out;
  EXPECT_NE(mailed.out.find("STARTTLS"), std::string::npos);
  auto h = hits(2);
  ASSERT_EQ(h.size(), 2u) << h.dump(2);
  for (const auto& hit : h) {
    EXPECT_EQ(hit["details"]["tls"], "yes") << hit.dump();
    if (hit["channel"] == "http") {
      EXPECT_EQ(hit["details"]["sni"], host);
    } else {
      EXPECT_EQ(hit["details"]["subject"], "over tls");
    }
  }
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(ServeTest, SigtermUnderLoadLosesNoHit) {
  const std::string url = mint("http");
  start_serve();
  // One curl, keep-alive, thousands of trigger requests; SIGTERM lands while it runs.
  auto load = start_curl_load(url, 30000);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(load->running()) << "the load finished before SIGTERM; make it longer";
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
  // curl runs through its remaining URLs (refused now) and exits by itself; killing it would
  // lose the status codes still in its output buffer.
  ASSERT_NE(load->stop(0, 60000), -1) << "curl did not finish";  // exit 7: the last URLs were refused
  const std::size_t answered = answered_requests();
  ASSERT_GT(answered, 0u);
  const auto h = json_of(ct({"hits", "--json", "--limit", "1000000"}));
  // None lost: every answered request is a hit. A request recorded while the shutdown cut
  // its response short is a hit curl did not count: at most one per connection in flight.
  EXPECT_GE(h.size(), answered) << "hits lost";
  EXPECT_LE(h.size(), answered + 1) << "more hits than requests";
}

TEST_F(ServeTest, SurvivesJunkOnEveryPort) {
  const std::string name = mint("dns");
  start_serve();
  // UDP: random bytes, a truncated query, a response.
  const int udp = ::socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in dns{};
  dns.sin_family = AF_INET;
  dns.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  dns.sin_port = htons(static_cast<std::uint16_t>(dns_port_));
  for (const std::string& junk : {std::string("\x01"), std::string(12, '\xff'), std::string(3000, 'x'),
                                  std::string("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\xc0\x0c", 14)}) {
    ::sendto(udp, junk.data(), junk.size(), 0, reinterpret_cast<sockaddr*>(&dns), sizeof dns);
  }
  ::close(udp);
  const auto tcp_exchange = [&](int port, const std::string& send) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string got;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      ::send(fd, send.data(), send.size(), MSG_NOSIGNAL);
      char buf[4096];
      for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return got;
  };
  // DNS over TCP: a zero-length frame closes the connection.
  EXPECT_EQ(tcp_exchange(dns_port_, std::string("\x00\x00", 2)), "");
  // HTTP: binary junk gets 400; a 100 KB header line gets 431; both close.
  EXPECT_EQ(tcp_exchange(http_port_, std::string("\x00\x01\x02 junk\r\n\r\n", 12)).substr(0, 12), "HTTP/1.1 400");
  EXPECT_EQ(tcp_exchange(http_port_, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(100'000, 'a') + "\r\n\r\n")
                .substr(0, 12),
            "HTTP/1.1 431");
  // SMTP: junk is an error reply; a 5,000-byte line is refused and the connection closed.
  const std::string smtp_junk = tcp_exchange(smtp_port_, std::string("\x16\x03\x01\x00\xa5junk\r\nQUIT\r\n", 15));
  EXPECT_NE(smtp_junk.find("502 5.5.2"), std::string::npos) << smtp_junk;
  EXPECT_NE(tcp_exchange(smtp_port_, std::string(5000, 'A') + "\r\n").find("500 5.5.0"), std::string::npos);
  // A slow client holding a half-sent request does not block anyone else.
  const int slow = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in h{};
  h.sin_family = AF_INET;
  h.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  h.sin_port = htons(static_cast<std::uint16_t>(http_port_));
  ASSERT_EQ(::connect(slow, reinterpret_cast<sockaddr*>(&h), sizeof h), 0);
  ::send(slow, "GET / HTTP/1.1\r\nHost: a", 23, MSG_NOSIGNAL);
  auto ok = run_process({"/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "5",
                         "http://127.0.0.1:" + std::to_string(http_port_) + "/x.gif"});
  EXPECT_EQ(ok.out, "200");
  ::close(slow);
  // And the trigger still fires.
  auto still = dig({name, "A", "+short"});
  EXPECT_EQ(still.out, "127.0.0.1\n");
  EXPECT_EQ(hits(1).size(), 1u);
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(ServeTest, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  const std::string url = mint("http");
  const std::string host = url.substr(7, url.find('/', 7) - 7);
  const std::string path = url.substr(url.find('/', 7));
  const auto fetch = [&] {
    return run_process({"/usr/bin/curl", "-s", "-o", "/dev/null", "-H", "Host: " + host, "-H",
                        "X-Forwarded-For: 198.51.100.23, 127.0.0.1", "http://127.0.0.1:" + std::to_string(http_port_) + path});
  };
  start_serve();
  fetch();
  ASSERT_EQ(hits(1).size(), 1u);
  EXPECT_EQ(hits(1)[0]["source"].get<std::string>().rfind("127.0.0.1:", 0), 0u);  // not trusted: the peer
  ASSERT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
  serve_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{CANARYTRAP_BIN_FOR_TESTS, "serve", "--dns", at(dns_port_), "--http", at(http_port_),
                               "--smtp", at(smtp_port_), "--metrics", at(metrics_port_), "--admin", ""},
      ProcessOptions{dir_.path(), {{"CANARYTRAP_HTTP_TRUSTED_PROXIES", "127.0.0.1"}}}, dir_ / "serve2");
  for (int i = 0; i < 500 && !port_open(http_port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  fetch();
  auto h = hits(2);
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0]["source"], "198.51.100.23");  // newest first: the client behind the trusted proxy
  EXPECT_NE(h[0]["details"]["peer"].get<std::string>().find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

// A crash leaves its stack in the log: the only trace of a fault seen once.
TEST_F(ServeTest, ACrashPrintsABacktraceOnStderr) {
  start_serve();
  const int code = serve_->stop(SIGSEGV);
  const std::string err = serve_->err();
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer keeps its own handler (and report) for the signal.
  EXPECT_NE(code, 0) << err;
  EXPECT_NE(err.find("AddressSanitizer: SEGV"), std::string::npos) << err;
  EXPECT_NE(err.find("    #0 0x"), std::string::npos) << err;
#else
  EXPECT_EQ(code, 128 + SIGSEGV) << err;
  // Sent by kill(2), so no faulting address: the sender instead.
  EXPECT_NE(err.find("canarytrap: crashed: SIGSEGV sent by process " + std::to_string(::getpid()) + ";"), std::string::npos) << err;
  // The handler's own frame first, named by binary and offset, then at least the signal
  // trampoline. kill(2) hands the signal to any thread, possibly one with no canarytrap code
  // on its stack (one starting or ending in libc), so nothing more is certain.
  const std::string header = "; backtrace (addr2line -Cfe canarytrap +offset):\n";
  const auto at = err.find(header);
  ASSERT_NE(at, std::string::npos) << err;
  std::vector<std::string> frames;
  std::istringstream lines(err.substr(at + header.size()));
  for (std::string line; std::getline(lines, line) && line.find(")[0x") != std::string::npos;) frames.push_back(line);
  ASSERT_GE(frames.size(), 2u) << err;
  EXPECT_NE(frames[0].find("/canarytrap(+0x"), std::string::npos) << err;
#endif
}

// The subject CN of the certificate a TLS listener presents now.
std::string presented_cn(int port) {
  auto r = run_process({"/bin/sh", "-c",
                        "openssl s_client -connect 127.0.0.1:" + std::to_string(port) +
                            " -servername x.canary.example.net </dev/null 2>/dev/null | openssl x509 -noout -subject"});
  return r.out;
}

TEST_F(ServeTest, SighupReloadsTheCertificateWithoutDroppingConnections) {
  make_cert("first.canary.example.net", dir_ / "cert.pem", dir_ / "key.pem");
  const int https_port = free_port();
  serve_ = std::make_unique<BackgroundProcess>(
      std::vector<std::string>{CANARYTRAP_BIN_FOR_TESTS, "serve", "--dns", at(dns_port_), "--http", at(http_port_),
                               "--https", at(https_port), "--smtp", at(smtp_port_), "--metrics", at(metrics_port_), "--admin", ""},
      ProcessOptions{dir_.path(), {{"CANARYTRAP_TLS_CERT", (dir_ / "cert.pem").string()},
                                   {"CANARYTRAP_TLS_KEY", (dir_ / "key.pem").string()}}},
      dir_ / "serve");
  for (int i = 0; i < 500 && !(port_open(https_port) && port_open(smtp_port_)); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_NE(presented_cn(https_port).find("first.canary.example.net"), std::string::npos);

  // An SMTP session open across the reload.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(smtp_port_));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  char buf[512];
  ASSERT_GT(::read(fd, buf, sizeof buf), 0);  // the 220 banner

  make_cert("renewed.canary.example.net", dir_ / "cert.pem", dir_ / "key.pem");
  ::kill(serve_->pid(), SIGHUP);
  std::string cn;
  for (int i = 0; i < 100; ++i) {
    cn = presented_cn(https_port);
    if (cn.find("renewed") != std::string::npos) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(cn.find("renewed.canary.example.net"), std::string::npos) << cn << serve_->err();

  ASSERT_EQ(::write(fd, "QUIT\r\n", 6), 6);
  const ssize_t n = ::read(fd, buf, sizeof buf);
  ASSERT_GT(n, 0);
  EXPECT_EQ(std::string(buf, 3), "221");
  ::close(fd);

  // A broken renewal keeps the certificate in use, and says so.
  write_file(dir_ / "cert.pem", "not a certificate\n");
  ::kill(serve_->pid(), SIGHUP);
  for (int i = 0; i < 100 && serve_->err().find("keeping the current certificate") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(serve_->err().find("keeping the current certificate"), std::string::npos) << serve_->err();
  EXPECT_NE(presented_cn(https_port).find("renewed.canary.example.net"), std::string::npos);
  EXPECT_TRUE(serve_->running());
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(ServeTest, UnusableCertificateIsOneLineAndExitOne) {
  write_file(dir_ / "bad.pem", "not a certificate\n");
  auto r = run_process({CANARYTRAP_BIN_FOR_TESTS, "serve", "--dns", at(dns_port_), "--http", at(http_port_), "--https",
                        at(free_port()), "--smtp", at(smtp_port_), "--metrics", at(metrics_port_), "--admin", ""},
                       {dir_.path(), {{"CANARYTRAP_TLS_CERT", (dir_ / "bad.pem").string()},
                                      {"CANARYTRAP_TLS_KEY", (dir_ / "bad.pem").string()}}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("listen.https"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("bad.pem"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(ServeTest, MetricsAndHealthOnTheirOwnListener) {
  const std::string name = mint("dns");
  start_serve();
  const std::string base = "http://127.0.0.1:" + std::to_string(metrics_port_);
  for (int i = 0; i < 300 && !port_open(metrics_port_); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  auto health = run_process({"/usr/bin/curl", "-s", base + "/healthz"});
  EXPECT_EQ(health.out, "ok\n");
  ASSERT_EQ(dig({name, "A", "+short"}).out, "127.0.0.1\n");
  ASSERT_EQ(hits(1).size(), 1u);
  auto metrics = run_process({"/usr/bin/curl", "-s", base + "/metrics"});
  EXPECT_NE(metrics.out.find("# TYPE canarytrap_hits_total counter"), std::string::npos) << metrics.out;
  EXPECT_NE(metrics.out.find("canarytrap_hits_total{channel=\"dns\"} 1\n"), std::string::npos) << metrics.out;
  EXPECT_NE(metrics.out.find("canarytrap_hits_written_total 1\n"), std::string::npos) << metrics.out;
  EXPECT_NE(metrics.out.find("canarytrap_triggers_indexed 1\n"), std::string::npos) << metrics.out;
  EXPECT_NE(metrics.out.find("canarytrap_group_commit_seconds_count 1\n"), std::string::npos) << metrics.out;
  EXPECT_NE(metrics.out.find("canarytrap_dns_queries_total 1\n"), std::string::npos) << metrics.out;
  // The public HTTP listener answers /metrics like any other path: an asset, no counters.
  auto public_side = run_process({"/usr/bin/curl", "-s", "http://127.0.0.1:" + std::to_string(http_port_) + "/metrics"});
  EXPECT_EQ(public_side.out.find("canarytrap_"), std::string::npos);
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
}

TEST_F(ServeTest, HitLogIsOneJsonLinePerHit) {
  const std::string name = mint("dns");
  start_serve({{"CANARYTRAP_LOG_HITS", (dir_ / "hits.jsonl").string()}});
  ASSERT_EQ(dig({"www." + name, "A", "+short"}).out, "127.0.0.1\n");
  ASSERT_EQ(hits(1).size(), 1u);
  EXPECT_EQ(serve_->stop(SIGTERM), 0) << serve_->err();
  const std::string log = read_file(dir_ / "hits.jsonl");
  ASSERT_EQ(std::count(log.begin(), log.end(), '\n'), 1) << log;
  auto j = nlohmann::json::parse(log);
  EXPECT_EQ(j["schema"], "canarytrap.hit.v1");
  EXPECT_EQ(j["channel"], "dns");
  EXPECT_EQ(j["details"]["qname"], "www." + name);
  EXPECT_EQ(j["details"]["transport"], "udp");
  EXPECT_FALSE(j["automated"].get<bool>());
  EXPECT_TRUE(j["automated_reason"].is_null());
  EXPECT_TRUE(j["canary_id"].is_number());
  EXPECT_EQ(j["source"].get<std::string>().rfind("127.0.0.1:", 0), 0u);
  EXPECT_EQ(j["at"].get<std::string>().back(), 'Z');
}

TEST_F(ServeTest, PortInUseIsOneLineAndExitOne) {
  // Hold a port (the kernel picks it, so no other test can race for it).
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(::listen(fd, 1), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  http_port_ = ntohs(a.sin_port);
  auto r = ct({"serve", "--dns", at(dns_port_), "--http", at(http_port_), "--smtp", at(smtp_port_), "--metrics", at(metrics_port_), "--admin", ""});
  ::close(fd);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("listen.http 127.0.0.1:" + std::to_string(http_port_)), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("in use"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace canarytrap::testing
