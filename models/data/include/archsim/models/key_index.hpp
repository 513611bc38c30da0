#pragma once
// An open-addressing map from 64-bit keys to 32-bit values (linear probing,
// backward-shift deletion, no tombstones). It allocates only when it grows, so
// a table sized for its peak allocates nothing per lookup, insert or erase.
#include <cstdint>
#include <vector>

namespace archsim {

class KeyIndex {
 public:
  static constexpr std::uint32_t kAbsent = UINT32_MAX;

  // Room for `expected` keys without growing.
  explicit KeyIndex(std::size_t expected = 0);

  std::uint32_t find(std::uint64_t key) const;
  // Inserts or overwrites; `value` must not be kAbsent.
  void put(std::uint64_t key, std::uint32_t value);
  // Removes the key if present.
  void erase(std::uint64_t key);
  std::size_t size() const { return size_; }
  void clear();

 private:
  struct Cell {
    std::uint64_t key;
    std::uint32_t value;  // kAbsent: the cell is empty
  };
  std::size_t home(std::uint64_t key) const;
  void grow();

  std::vector<Cell> cells_;  // power-of-two size, at most half full
  std::size_t mask_ = 0, size_ = 0;
};

}  // namespace archsim
