//===--- Growth.h - Costs as growth orders in one unknown size --*- C++ -*-===//
//
// The analysis cannot know how many times a loop whose bound is only known at
// run time iterates. Rather than guess a number and multiply guesses through
// nested loops, recursion and call chains (which overflowed into estimates of
// 1e33 units), a cost is a polynomial in one unknown size n:
//
//   c0 + c1 n + c2 n^2 + c3 n^3
//
// with non-negative coefficients. Degrees above 3 are folded into n^3 and
// every coefficient saturates at MaxCoefficient, so no operation overflows or
// yields inf or NaN. Growths are ordered by their degree first, then by their
// leading coefficient: any linear cost exceeds any constant one.
//
//===----------------------------------------------------------------------===//

#ifndef CONCUR_ANALYSIS_GROWTH_H
#define CONCUR_ANALYSIS_GROWTH_H

#include <array>
#include <optional>
#include <string>

namespace concur {

class Growth {
public:
  static constexpr unsigned MaxDegree = 3;
  /// Every coefficient saturates here.
  static constexpr double MaxCoefficient = 1e12;

  /// Zero.
  constexpr Growth() = default;
  /// The constant \p C (negative, NaN and inf are clamped into range).
  static Growth constant(double C);
  /// \p C n^Degree.
  static Growth term(double C, unsigned Degree);
  /// n.
  static Growth linear() { return term(1, 1); }
  /// The growth with these coefficients (of n^0 to n^3), if each is finite,
  /// non-negative and at most MaxCoefficient.
  static std::optional<Growth>
  fromCoefficients(const std::array<double, MaxDegree + 1> &C);

  /// The coefficient of n^Degree (0 past MaxDegree).
  double coefficient(unsigned Degree) const {
    return Degree <= MaxDegree ? C[Degree] : 0;
  }
  /// The highest power of n with a non-zero coefficient (0 for constants).
  unsigned degree() const;
  /// The coefficient of the highest power.
  double leading() const { return C[degree()]; }
  bool isZero() const;
  bool grows() const { return degree() > 0; }
  /// The part that grows with n (the constant term dropped).
  Growth growing() const;

  /// The value at n = \p N (saturated like the coefficients, times N^3).
  double at(double N) const;
  /// The value per element at n = \p N: at(N) / N for a growing cost, the
  /// constant otherwise.
  double perElement(double N) const;

  Growth &operator+=(const Growth &O);
  Growth &operator*=(const Growth &O);
  Growth &operator*=(double K);
  friend Growth operator+(Growth A, const Growth &B) { return A += B; }
  friend Growth operator*(Growth A, const Growth &B) { return A *= B; }
  friend Growth operator*(Growth A, double K) { return A *= K; }
  friend Growth operator*(double K, Growth A) { return A *= K; }
  /// The coefficient-wise maximum: at least each of the two, at every n.
  static Growth max(const Growth &A, const Growth &B);

  /// Compares by degree, then leading coefficient, then the lower
  /// coefficients from the highest down (so the order is total).
  friend bool operator<(const Growth &A, const Growth &B) {
    return compare(A, B) < 0;
  }
  friend bool operator>(const Growth &A, const Growth &B) { return B < A; }
  friend bool operator<=(const Growth &A, const Growth &B) { return !(B < A); }
  friend bool operator>=(const Growth &A, const Growth &B) { return !(A < B); }
  friend bool operator==(const Growth &A, const Growth &B) {
    return A.C == B.C;
  }
  friend bool operator!=(const Growth &A, const Growth &B) { return !(A == B); }
  static int compare(const Growth &A, const Growth &B);

  /// "3 n^2 + 3 n", "40", "0"; coefficients shown with up to 3 significant
  /// digits, a coefficient of 1 left out ("n^2 + 20").
  std::string str() const;
  /// "n^2", "n", "1": the order alone.
  std::string order() const;

private:
  std::array<double, MaxDegree + 1> C{};
  static double clamp(double V);
};

} // namespace concur

#endif // CONCUR_ANALYSIS_GROWTH_H
