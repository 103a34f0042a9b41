"""llama-cpp-python's OpenAI-compatible server (python -m llama_cpp.server, same arguments) with
llama.cpp's extra weight buffers off, for scripts/real-model.

Why: llama.cpp puts weights in an AMX buffer when the CPU reports AMX; on this VM the first
AMX instruction (ldtilecfg in ggml_backend_amx_mul_mat) dies with a general protection fault,
so the server segfaults on its first completion. llama-cpp-python has no option for
llama_model_params.use_extra_bufts; the plain CPU buffers give the same results.
"""

import sys
from typing import Any

import llama_cpp.llama_cpp as llama_low

_default_params = llama_low.llama_model_default_params


def _params_without_extra_buffers() -> Any:
    params = _default_params()
    params.use_extra_bufts = False
    return params


if __name__ == "__main__":
    llama_low.llama_model_default_params = _params_without_extra_buffers
    # Imported after the patch: the server reads the patched function when it loads the model.
    from llama_cpp.server.__main__ import main

    sys.exit(main())
