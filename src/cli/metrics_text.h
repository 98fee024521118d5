// The Prometheus text exposition of serve's counters, for GET /metrics.
#pragma once

#include <string>

#include "canarytrap/alert/dispatcher.h"
#include "canarytrap/listen/listeners.h"
#include "canarytrap/record/recorder.h"

namespace canarytrap::cli {
std::string metrics_text(const ListenerStats& listeners, const RecorderStats& recorder,
                         const DispatcherStats* alerts = nullptr);
}
