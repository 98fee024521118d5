// What `serve` hands the admin listener: the parts of other modules (alerts, scan, the
// recorder) the dashboard can drive, so that the admin module depends only on the store.
#pragma once

#include "canarytrap/admin/admin_server.h"
#include "canarytrap/core/config.h"
#include "canarytrap/record/recorder.h"

namespace canarytrap::cli {

AdminServices make_admin_services(const Config& cfg, Recorder& recorder);
AdminServer::Options admin_options(const Config& cfg);

}  // namespace canarytrap::cli
