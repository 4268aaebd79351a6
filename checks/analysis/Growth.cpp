//===--- Growth.cpp - Costs as growth orders in one unknown size ----------===//

#include "Growth.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include <algorithm>
#include <cmath>

namespace concur {

double Growth::clamp(double V) {
  if (std::isnan(V) || V <= 0)
    return 0;
  return std::min(V, MaxCoefficient);
}

Growth Growth::constant(double C) { return term(C, 0); }

Growth Growth::term(double C, unsigned Degree) {
  Growth G;
  G.C[std::min(Degree, MaxDegree)] = clamp(C);
  return G;
}

std::optional<Growth>
Growth::fromCoefficients(const std::array<double, MaxDegree + 1> &C) {
  Growth G;
  for (unsigned D = 0; D <= MaxDegree; ++D) {
    if (!std::isfinite(C[D]) || C[D] < 0 || C[D] > MaxCoefficient)
      return std::nullopt;
    G.C[D] = C[D];
  }
  return G;
}

unsigned Growth::degree() const {
  for (unsigned D = MaxDegree; D > 0; --D)
    if (C[D] > 0)
      return D;
  return 0;
}

bool Growth::isZero() const {
  return std::all_of(C.begin(), C.end(), [](double V) { return V == 0; });
}

Growth Growth::growing() const {
  Growth G = *this;
  G.C[0] = 0;
  return G;
}

double Growth::at(double N) const {
  N = std::max(0.0, std::isnan(N) ? 0.0 : std::min(N, 1e6));
  double Sum = 0, Power = 1;
  for (unsigned D = 0; D <= MaxDegree; ++D, Power *= N)
    Sum += C[D] * Power;
  return Sum;
}

double Growth::perElement(double N) const {
  if (!grows() || N < 1)
    return C[0];
  return at(N) / std::min(N, 1e6);
}

Growth &Growth::operator+=(const Growth &O) {
  for (unsigned D = 0; D <= MaxDegree; ++D)
    C[D] = clamp(C[D] + O.C[D]);
  return *this;
}

Growth &Growth::operator*=(const Growth &O) {
  std::array<double, MaxDegree + 1> R{};
  for (unsigned I = 0; I <= MaxDegree; ++I) {
    if (C[I] == 0)
      continue;
    for (unsigned J = 0; J <= MaxDegree; ++J) {
      if (O.C[J] == 0)
        continue;
      // Both factors are at most MaxCoefficient, so the product is finite.
      unsigned D = std::min(I + J, MaxDegree);
      R[D] = clamp(R[D] + C[I] * O.C[J]);
    }
  }
  C = R;
  return *this;
}

Growth &Growth::operator*=(double K) {
  K = std::isnan(K) ? 0 : std::clamp(K, 0.0, MaxCoefficient);
  for (double &V : C)
    V = clamp(V * K);
  return *this;
}

Growth Growth::max(const Growth &A, const Growth &B) {
  Growth G;
  for (unsigned D = 0; D <= MaxDegree; ++D)
    G.C[D] = std::max(A.C[D], B.C[D]);
  return G;
}

int Growth::compare(const Growth &A, const Growth &B) {
  unsigned DA = A.degree(), DB = B.degree();
  if (DA != DB)
    return DA < DB ? -1 : 1;
  for (unsigned D = DA + 1; D-- > 0;)
    if (A.C[D] != B.C[D])
      return A.C[D] < B.C[D] ? -1 : 1;
  return 0;
}

static std::string coefficientText(double V) {
  std::string Out;
  llvm::raw_string_ostream OS(Out);
  if (V >= 1e6 || V < 0.01)
    OS << llvm::format("%.3g", V);
  else if (V == std::round(V))
    OS << llvm::format("%.0f", V);
  else
    OS << llvm::format("%.3g", V);
  return Out;
}

std::string Growth::str() const {
  std::string Out;
  for (unsigned D = MaxDegree + 1; D-- > 0;) {
    if (C[D] == 0)
      continue;
    if (!Out.empty())
      Out += " + ";
    if (D == 0) {
      Out += coefficientText(C[D]);
      continue;
    }
    if (C[D] != 1)
      Out += coefficientText(C[D]) + " ";
    Out += D == 1 ? "n" : "n^" + std::to_string(D);
  }
  return Out.empty() ? "0" : Out;
}

std::string Growth::order() const {
  unsigned D = degree();
  if (D == 0)
    return "1";
  return D == 1 ? "n" : "n^" + std::to_string(D);
}

} // namespace concur
