#pragma once
// What the interpreter's own allocator holds: CPython serves objects up to 512 bytes from
// pymalloc arenas it maps itself, outside malloc, so malloc's statistics miss most of a Python
// framework's objects. Together with malloc's in-use bytes this is the memory live objects
// take, whatever pages an allocator happens to reuse (which RSS deltas cannot tell).
#include <cstdint>

namespace legion::python {

// Bytes in pymalloc's allocated blocks after a full garbage collection (so unreachable cycles
// are not counted); 0 when pymalloc is not in use (PYTHONMALLOC=malloc: then malloc sees all).
// Needs the interpreter started; takes the GIL.
std::uint64_t pymalloc_allocated_bytes();

}  // namespace legion::python
