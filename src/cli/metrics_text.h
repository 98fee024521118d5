// The Prometheus text exposition of serve's counters, for GET /metrics.
#pragma once

#include <string>

#include "canarytrap/listen/listeners.h"
#include "canarytrap/record/recorder.h"

namespace canarytrap::cli {
std::string metrics_text(const ListenerStats& listeners, const RecorderStats& recorder);
}
