#include "archsim/models/key_index.hpp"

#include "archsim/core/rng.hpp"

namespace archsim {

KeyIndex::KeyIndex(std::size_t expected) {
  std::size_t n = 16;
  while (n < 2 * expected) n *= 2;
  cells_.assign(n, Cell{0, kAbsent});
  mask_ = n - 1;
}

std::size_t KeyIndex::home(std::uint64_t key) const {
  std::uint64_t state = key;  // SplitMix64's finaliser spreads sequential keys over the table
  return static_cast<std::size_t>(splitmix64_next(state)) & mask_;
}

std::uint32_t KeyIndex::find(std::uint64_t key) const {
  for (std::size_t i = home(key);; i = (i + 1) & mask_) {
    const Cell& c = cells_[i];
    if (c.value == kAbsent) return kAbsent;
    if (c.key == key) return c.value;
  }
}

void KeyIndex::put(std::uint64_t key, std::uint32_t value) {
  if (2 * (size_ + 1) > cells_.size()) grow();
  for (std::size_t i = home(key);; i = (i + 1) & mask_) {
    Cell& c = cells_[i];
    if (c.value == kAbsent) {
      c = Cell{key, value};
      ++size_;
      return;
    }
    if (c.key == key) {
      c.value = value;
      return;
    }
  }
}

void KeyIndex::erase(std::uint64_t key) {
  std::size_t i = home(key);
  while (true) {
    if (cells_[i].value == kAbsent) return;
    if (cells_[i].key == key) break;
    i = (i + 1) & mask_;
  }
  // Backward shift: move later cells of the probe run into the hole when their
  // home is not between the hole and them, so every run stays unbroken.
  std::size_t hole = i;
  for (std::size_t j = (i + 1) & mask_; cells_[j].value != kAbsent; j = (j + 1) & mask_) {
    const std::size_t h = home(cells_[j].key);
    const bool stays = hole < j ? (hole < h && h <= j) : (hole < h || h <= j);
    if (!stays) {
      cells_[hole] = cells_[j];
      hole = j;
    }
  }
  cells_[hole].value = kAbsent;
  --size_;
}

void KeyIndex::clear() {
  for (Cell& c : cells_) c.value = kAbsent;
  size_ = 0;
}

void KeyIndex::grow() {
  std::vector<Cell> old;
  old.swap(cells_);
  cells_.assign(old.size() * 2, Cell{0, kAbsent});
  mask_ = cells_.size() - 1;
  size_ = 0;
  for (const Cell& c : old)
    if (c.value != kAbsent) put(c.key, c.value);
}

}  // namespace archsim
