// libFuzzer harness of the scenario loader (docs/hardening.md, "Fuzzing").
//
// The loader is Python (archsim.scenario, archsim.schema, PyYAML), so this harness
// embeds CPython and hands every input to scenario_target.check(), which raises on a
// finding. libFuzzer's coverage instrumentation only sees this file; the loader's own
// coverage reaches libFuzzer through extra counters: a C-level trace function turns
// every line-to-line step in archsim's and PyYAML's Python code into a bump of one
// 8-bit counter (AFL-style edges). The gcc-built engine (_core) and the C parts of
// PyYAML are not instrumented.
//
// Built and run by scripts/fuzz.sh, which defines the three paths below.
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#if !defined(ARCHSIM_PYTHON_HOME) || !defined(ARCHSIM_SITE_PACKAGES) || !defined(ARCHSIM_FUZZ_DIR)
#error "build with scripts/fuzz.sh: it defines ARCHSIM_PYTHON_HOME, ARCHSIM_SITE_PACKAGES and ARCHSIM_FUZZ_DIR"
#endif

namespace {

// libFuzzer clears this table before each input and reads every non-zero byte after
// it as a coverage feature (FuzzerExtraCounters). Not ASan-instrumented: a redzone
// after it would sit in the section and be read as counters.
constexpr std::size_t kPythonEdges = 1 << 16;
__attribute__((section("__libfuzzer_extra_counters"), used, no_sanitize("address")))
uint8_t python_edges[kPythonEdges];

PyObject* check = nullptr;               // scenario_target.check
std::vector<std::string> traced_dirs;    // the archsim and yaml package folders, with a trailing '/'
// Whether a code object's file is under traced_dirs, decided once per code object.
// Each key holds a reference, so a freed code object's address is never reused.
std::unordered_map<PyCodeObject*, bool> traced_code;
uint64_t previous_line = 0;              // the last traced line of this input, hashed and shifted

bool is_traced(PyCodeObject* code) {
  auto [entry, inserted] = traced_code.try_emplace(code, false);
  if (inserted) {
    Py_INCREF(code);
    const char* file = PyUnicode_AsUTF8(code->co_filename);
    if (!file) PyErr_Clear();
    for (const std::string& dir : traced_dirs)
      if (file && std::string_view(file).starts_with(dir)) entry->second = true;
  }
  return entry->second;
}

// Py_tracefunc: for each line event in traced code, one counter per (previous line, line) edge.
int count_python_edge(PyObject*, PyFrameObject* frame, int what, PyObject*) {
  if (what != PyTrace_LINE) return 0;
  PyCodeObject* code = PyFrame_GetCode(frame);
  const bool traced = is_traced(code);
  Py_DECREF(code);
  if (!traced) return 0;
  uint64_t line = reinterpret_cast<uintptr_t>(code) * 0x9E3779B97F4A7C15ull +
                  static_cast<uint64_t>(PyFrame_GetLineNumber(frame));
  line ^= line >> 29;
  uint8_t& counter = python_edges[(line ^ previous_line) % kPythonEdges];
  if (counter != 255) ++counter;
  previous_line = line >> 1;  // shifted, so that A->B and B->A (and A->A) differ
  return 0;
}

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "scenario_loader_fuzzer: %s\n", what);
  if (PyErr_Occurred()) PyErr_Print();
  std::exit(1);
}

// Adds every folder of a package (an editable install has two: built files and sources).
void trace_package(const char* name) {
  PyObject* module = PyImport_ImportModule(name);
  PyObject* path = module ? PyObject_GetAttrString(module, "__path__") : nullptr;
  PyObject* dirs = path ? PySequence_List(path) : nullptr;
  if (!dirs) fail("cannot find the folders of a traced package");
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE(dirs); ++i) {
    const char* dir = PyUnicode_AsUTF8(PyList_GET_ITEM(dirs, i));
    if (!dir) fail("a package folder that is not text");
    traced_dirs.push_back(std::string(dir) + "/");
  }
  Py_DECREF(dirs);
  Py_DECREF(path);
  Py_DECREF(module);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  PyConfig config;
  PyConfig_InitPythonConfig(&config);
  config.install_signal_handlers = 0;  // libFuzzer's handlers (timeouts, SIGINT) stay in charge
  config.site_import = 0;  // no base or user site-packages: only the .venv's, added below
  // The home of the .venv's base interpreter: found from this binary's path, it could
  // be another Python's standard library.
  PyStatus status = PyConfig_SetBytesString(&config, &config.home, ARCHSIM_PYTHON_HOME);
  if (!PyStatus_Exception(status)) status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) fail(status.err_msg ? status.err_msg : "cannot start Python");

  // The .venv's packages, with its .pth files (the editable install of archsim).
  PyObject* site = PyImport_ImportModule("site");
  PyObject* added = site ? PyObject_CallMethod(site, "addsitedir", "s", ARCHSIM_SITE_PACKAGES) : nullptr;
  PyObject* fuzz_dir = PyUnicode_FromString(ARCHSIM_FUZZ_DIR);
  if (!added || !fuzz_dir || PyList_Insert(PySys_GetObject("path"), 0, fuzz_dir) != 0)
    fail("cannot add the .venv and tests/fuzz to sys.path");
  Py_DECREF(added);
  Py_DECREF(fuzz_dir);
  Py_DECREF(site);

  PyObject* target = PyImport_ImportModule("scenario_target");
  check = target ? PyObject_GetAttrString(target, "check") : nullptr;
  if (!check) fail("cannot import scenario_target.check");
  Py_DECREF(target);
  trace_package("archsim");
  trace_package("yaml");
  std::fprintf(stderr, "scenario_loader_fuzzer: Python %s\n", Py_GetVersion());
  for (const std::string& dir : traced_dirs) std::fprintf(stderr, "scenario_loader_fuzzer: tracing %s\n", dir.c_str());

  PyEval_SaveThread();  // each input takes the GIL back with PyGILState_Ensure
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  const PyGILState_STATE gil = PyGILState_Ensure();
  previous_line = 0;
  PyEval_SetTrace(count_python_edge, nullptr);
  PyObject* input = PyBytes_FromStringAndSize(reinterpret_cast<const char*>(data), static_cast<Py_ssize_t>(size));
  PyObject* result = input ? PyObject_CallOneArg(check, input) : nullptr;
  PyEval_SetTrace(nullptr, nullptr);
  Py_XDECREF(input);
  if (!result) {
    // A finding: print the traceback (PyErr_Display, which, unlike PyErr_Print, never
    // exits on SystemExit) and abort, so that libFuzzer writes the input to crash-<sha1>.
    PyObject *type, *value, *traceback;
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    PyErr_Display(type, value, traceback);
    PyObject* flushed = PyObject_CallMethod(PySys_GetObject("stderr"), "flush", nullptr);
    Py_XDECREF(flushed);
    std::fflush(stderr);
    std::abort();
  }
  Py_DECREF(result);
  PyGILState_Release(gil);
  return 0;
}
