#pragma once
// Umbrella header: everything a soastore user needs.

#include "soastore/array.hpp"
#include "soastore/dtype.hpp"
#include "soastore/errors.hpp"
#include "soastore/genericio.hpp"
#include "soastore/genericio_mpi.hpp"
#include "soastore/genericio_store.hpp"
#include "soastore/io_counters.hpp"
#include "soastore/lazy_soa.hpp"
#include "soastore/npz.hpp"
#include "soastore/numpy_store.hpp"
#include "soastore/options.hpp"
#include "soastore/partition.hpp"
#include "soastore/soa.hpp"
#include "soastore/store_files.hpp"
