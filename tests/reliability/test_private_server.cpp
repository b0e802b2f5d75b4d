// The embedded server's privacy and the secrecy of passwords, on a private embedded server of
// this test's own (in a temporary folder, removed at the end):
//  - it listens on its Unix socket only: listen_addresses is '', its process holds no TCP
//    listening socket, and a TCP connection to its port (one found free, given to the server
//    through EmbeddedServerOptions::port) is refused; the folder holding the
//    socket and the socket itself are private to their owner (mode 0700);
//  - a data folder whose name a shell would interpret is refused before any command runs;
//  - with password authentication switched on, passwords given in DATABASE_URL (URI, keyword
//    and query forms) or PGPASSWORD appear in no exception text, no log line of the library,
//    no output of `fmpipe db url` / `fmpipe status`, and no line of the server's log, whether
//    the password is wrong, right, or the server does not exist.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "dj/connection.hpp"
#include "dj/embedded_server.hpp"
#include "support/command.hpp"
#include "support/log_capture.hpp"

namespace fs = std::filesystem;

namespace {

/// A TCP port that nothing on this machine listens on now: the kernel's choice for a socket
/// bound to port 0, read back and closed.
int free_tcp_port() {
  const int probe = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  if (probe < 0 || ::bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      ::getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error(std::string("cannot find a free TCP port: ") + std::strerror(errno));
  }
  ::close(probe);
  return ntohs(address.sin_port);
}

class PrivateServer : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dj::EmbeddedServerOptions options;
    options.data_dir = folder();
    options.throwaway = true;
    port_ = free_tcp_port();
    options.port = port_;
    server_ = std::make_unique<dj::EmbeddedServer>(options);
    url_ = server_->start();
  }
  static void TearDownTestSuite() {
    server_->remove();
    server_.reset();
  }
  /// Short, so that the socket path fits Unix's limit.
  static fs::path folder() { return "/tmp/fmpipe_private_" + std::to_string(getpid()); }
  static std::string show(dj::Connection& connection, const std::string& setting) {
    pqxx::nontransaction work(connection.native());
    return work.exec1("SHOW " + setting)[0].as<std::string>();
  }

  static std::unique_ptr<dj::EmbeddedServer> server_;
  static std::string url_;
  static int port_;
};
std::unique_ptr<dj::EmbeddedServer> PrivateServer::server_;
std::string PrivateServer::url_;
int PrivateServer::port_ = 0;

/// The inodes of the TCP sockets (IPv4 and IPv6) in the LISTEN state on this machine, by port.
std::multimap<int, std::string> tcp_listeners() {
  std::multimap<int, std::string> listeners;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    std::ifstream in(table);
    std::string line;
    std::getline(in, line);  // header
    while (std::getline(in, line)) {
      std::istringstream fields(line);
      std::string slot, local, remote, state, queues, timer, retransmits, uid, timeout, inode;
      fields >> slot >> local >> remote >> state >> queues >> timer >> retransmits >> uid >>
          timeout >> inode;
      if (state != "0A") continue;  // TCP_LISTEN
      listeners.emplace(std::stoi(local.substr(local.find(':') + 1), nullptr, 16), inode);
    }
  }
  return listeners;
}

/// The inodes of the sockets process `pid` holds open.
std::set<std::string> socket_inodes(int pid) {
  std::set<std::string> inodes;
  for (const auto& fd : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    std::error_code error;
    const std::string target = fs::read_symlink(fd.path(), error).string();
    if (!error && target.rfind("socket:[", 0) == 0)
      inodes.insert(target.substr(8, target.size() - 9));
  }
  return inodes;
}

}  // namespace

TEST_F(PrivateServer, ListensOnItsPrivateSocketOnly) {
  dj::Connection connection(url_);
  EXPECT_EQ(show(connection, "listen_addresses"), "");
  EXPECT_EQ(show(connection, "unix_socket_directories"), folder().string());
  EXPECT_EQ(show(connection, "unix_socket_permissions"), "0700");
  // The session above came through the Unix socket, which the port names.
  const int port = std::stoi(show(connection, "port"));
  EXPECT_EQ(port, port_);
  EXPECT_NE(url_.find("port=" + std::to_string(port_)), std::string::npos) << url_;

  struct stat info {};
  ASSERT_EQ(stat(folder().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  const fs::path socket = folder() / (".s.PGSQL." + std::to_string(port));
  ASSERT_EQ(stat(socket.c_str(), &info), 0);
  EXPECT_TRUE(S_ISSOCK(info.st_mode));
  EXPECT_EQ(info.st_mode & 0777, 0700u);

  // The postmaster (first line of postmaster.pid) holds no listening TCP socket.
  std::ifstream pid_file(folder() / "pgdata/postmaster.pid");
  int postmaster = 0;
  pid_file >> postmaster;
  ASSERT_GT(postmaster, 0);
  const auto own = socket_inodes(postmaster);
  EXPECT_FALSE(own.empty());  // its Unix socket, at least
  for (const auto& [listening_port, inode] : tcp_listeners())
    EXPECT_EQ(own.count(inode), 0u) << "the server listens on TCP port " << listening_port;

  // The port was free when the server got it and the server does not listen on it, so nothing
  // does, and a TCP connection there is refused.
  EXPECT_EQ(tcp_listeners().count(port), 0u) << "something listens on TCP port " << port;
  const int tcp = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_NE(::connect(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  EXPECT_EQ(errno, ECONNREFUSED);
  ::close(tcp);
  EXPECT_THROW(dj::Connection("postgresql://postgres@127.0.0.1:" + std::to_string(port) +
                              "/postgres?connect_timeout=5"),
               std::runtime_error);
}

TEST_F(PrivateServer, DataFolderAShellWouldInterpretIsRefused) {
  const fs::path marker = "/tmp/fmpipe_private_marker_" + std::to_string(getpid());
  for (const std::string& name :
       {"/tmp/fmpipe x$(touch " + marker.string() + ")",
        "/tmp/fmpipe `touch " + marker.string() + "`",
        "/tmp/fmpipe '; touch " + marker.string() + "; '", std::string("/tmp/fmpipe\nnewline")}) {
    SCOPED_TRACE(name);
    dj::EmbeddedServerOptions options;
    options.data_dir = name;
    try {
      dj::EmbeddedServer(options).start();
      ADD_FAILURE() << "accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("contains a quote, backslash, '$', '`' or control"),
                std::string::npos)
          << e.what();
    }
    EXPECT_FALSE(fs::exists(name));
  }
  EXPECT_FALSE(fs::exists(marker));
}

TEST_F(PrivateServer, PasswordsAppearInNoMessageOrLog) {
  const std::string pid = std::to_string(getpid());
  const std::string right = "Corr3ct-Horse-" + pid, wrong = "Wr0ng-Battery-" + pid,
                    other = "Unused-Staple-" + pid;
  const std::vector<std::string> secrets = {right, wrong, other};
  // The server's socket, in a URI's query and as libpq keywords.
  const std::string host = "host=" + folder().string() + "&port=" + std::to_string(port_);
  const std::string host_keywords = "host=" + folder().string() + " port=" + std::to_string(port_);
  {
    // Password authentication on the socket, for this server only.
    dj::Connection admin(url_);
    pqxx::nontransaction work(admin.native());
    work.exec("ALTER ROLE postgres PASSWORD '" + right + "'");
    std::ofstream(folder() / "pgdata/pg_hba.conf") << "local all all scram-sha-256\n";
    work.exec("SELECT pg_reload_conf()");
  }
  fmtest::LogCapture log;
  spdlog::default_logger()->set_level(spdlog::level::trace);
  const std::string uri_base = "postgresql://postgres:";
  const std::string socket_query = "@/postgres?" + host;
  const std::vector<std::pair<std::string, std::string>> refused = {
      {uri_base + wrong + socket_query, "password authentication failed"},
      {host_keywords + " user=postgres dbname=postgres password=" + wrong,
       "password authentication failed"},
      {host_keywords + " user=postgres dbname=postgres password='" + wrong + "'",
       "password authentication failed"},
      {"postgresql:///postgres?" + host + "&user=postgres&password=" + wrong,
       "password authentication failed"},
      {"postgresql://lab:" + other + "@127.0.0.1:1/facemap?connect_timeout=5", "127.0.0.1"},
      {"postgresql://lab:" + other + "@/facemap?host=/nonexistent/folder", "/nonexistent/folder"},
  };
  std::string everything;
  for (const auto& [url, reason] : refused) {
    SCOPED_TRACE(reason);
    try {
      dj::Connection connection(url);
      ADD_FAILURE() << "connected";
    } catch (const std::exception& e) {
      EXPECT_NE(std::string(e.what()).find(reason), std::string::npos) << e.what();
      everything += e.what();
    }
  }
  {
    dj::Connection connection(uri_base + right + socket_query);
    EXPECT_EQ(show(connection, "listen_addresses"), "");
    EXPECT_EQ(connection.target().find(right), std::string::npos);
  }

  const std::string fmpipe = std::string(FMPIPE_BINARY_DIR) + "/fmpipe";
  const auto url = fmtest::run_command({fmpipe, "db", "url"},
                                       {"DATABASE_URL=" + uri_base + wrong + socket_query});
  EXPECT_EQ(url.exit_code, 0) << url.output;
  EXPECT_NE(url.output.find("postgresql://postgres:***@"), std::string::npos) << url.output;
  everything += url.output;
  for (const std::vector<std::string>& environment :
       {std::vector<std::string>{"DATABASE_URL=" + uri_base + wrong + socket_query},
        {"DATABASE_URL=postgresql://postgres@/postgres?" + host, "PGPASSWORD=" + wrong},
        {"DATABASE_URL=postgresql://lab:" + other + "@127.0.0.1:1/facemap?connect_timeout=5"}}) {
    const auto status = fmtest::run_command({fmpipe, "status"}, environment);
    EXPECT_NE(status.exit_code, 0) << status.output;
    EXPECT_NE(status.output.find("fmpipe: error: cannot connect"), std::string::npos)
        << status.output;
    everything += status.output;
  }

  std::ifstream server_log(server_->log_file());
  everything += std::string(std::istreambuf_iterator<char>(server_log), {});
  everything += log.text();
  EXPECT_NE(everything.find("password authentication failed"), std::string::npos);
  for (const auto& secret : secrets)
    EXPECT_EQ(everything.find(secret), std::string::npos) << secret << " shown in:\n" << everything;
}
