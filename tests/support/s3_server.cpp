#include "support/s3_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace fmtest {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const fs::path kS3rver = fs::path(FMPIPE_SOURCE_DIR) / "tests/peers/node_modules/s3rver/bin/s3rver.js";

// A port nobody listens on now (the kernel's choice for port 0).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

bool accepts_connections(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  const bool connected = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  close(fd);
  return connected;
}

fs::path node_binary() {
  for (const char* candidate : {"/usr/bin/node", "/usr/local/bin/node", "/usr/bin/nodejs"})
    if (fs::exists(candidate)) return candidate;
  return {};
}

}  // namespace

std::unique_ptr<S3Server> S3Server::start(std::string& why_not) {
  const fs::path node = node_binary();
  if (node.empty() || !fs::exists(kS3rver)) {
    why_not = "needs node and " + kS3rver.string() +
              " (scripts/setup.sh installs them from Debian and the npm registry)";
    return nullptr;
  }
  const fs::path folder = fs::temp_directory_path() /
                          ("fmpipe-s3rver-" + std::to_string(getpid()) + "-" +
                           std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  fs::create_directories(folder / "data");
  const int port = free_port();
  const std::string log = (folder / "s3rver.log").string();
  ChildProcess process = ChildProcess::fork([&] {
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, 1);
    dup2(out, 2);
    const std::string data = (folder / "data").string(), port_text = std::to_string(port);
    // s3rver's list continuation tokens use DES, which OpenSSL 3 keeps in its legacy provider.
    execl(node.c_str(), "node", "--openssl-legacy-provider", kS3rver.c_str(), "--directory", data.c_str(), "--address",
          "127.0.0.1", "--port", port_text.c_str(), "--silent", "--configure-bucket", kBucket,
          static_cast<char*>(nullptr));
    return 127;
  });
  for (auto waited = 0ms; waited < 30s; waited += 50ms) {
    if (accepts_connections(port))
      return std::unique_ptr<S3Server>(
          new S3Server(std::move(process), "127.0.0.1:" + std::to_string(port), folder));
    if (!process.running()) break;
    std::this_thread::sleep_for(50ms);
  }
  why_not = "s3rver did not start on port " + std::to_string(port) + "; see " + log;
  return nullptr;
}

S3Server::S3Server(ChildProcess process, std::string endpoint, fs::path folder)
    : process_(std::move(process)), endpoint_(std::move(endpoint)), folder_(std::move(folder)) {}

void S3Server::stop() {
  if (process_.running()) {
    process_.signal(SIGTERM);
    process_.wait(10s);
  }
}

S3Server::~S3Server() {
  stop();
  std::error_code error;
  fs::remove_all(folder_, error);
}

}  // namespace fmtest
