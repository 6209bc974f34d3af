#pragma once

#include <string>

namespace dihya {

/// What a service needs to know about the request it serves, without any HTTP type: handlers fill it
/// from the request (the request id middleware's id, the peer address) and pass it down.
struct RequestContext {
    std::string request_id;  // empty when unknown
    std::string ip;          // the client's address as seen by the server (full; services truncate as needed)
};

}  // namespace dihya
