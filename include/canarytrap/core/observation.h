// An observation: one thing a public listener saw that may be the use of a trigger.
//
// Listeners (listen module) fill these and hand them to an ObservationSink; the recorder
// (record module) is the sink: it looks the tokens up in its trigger index and records a hit
// for a match. Defined in core so that neither module depends on the other: data flows one
// way, listener -> recorder.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "canarytrap/core/clock.h"
#include "canarytrap/core/trigger_values.h"

namespace canarytrap {

struct Observation {
  Channel channel = Channel::kDns;
  TimePoint at;
  std::string source;                  // client address and port: "203.0.113.9:53124"
  std::vector<std::string> tokens;     // lower-case candidates: DNS labels, URL words, an address
  std::vector<std::pair<std::string, std::string>> details;  // what the listener saw, for the hit
};

class ObservationSink {
 public:
  virtual ~ObservationSink() = default;
  // Called on listener threads; must not block on disk.
  virtual void observe(Observation&& o) = 0;
};

}  // namespace canarytrap
