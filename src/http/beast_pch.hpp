// Precompiled header for the http/ layer: Asio and Beast are the slow headers.
#pragma once
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
