//===--- GrowthTest.cpp - Costs as growth orders --------------------------===//

#include "Growth.h"
#include "gtest/gtest.h"
#include <cmath>
#include <limits>

using concur::Growth;

namespace {

TEST(GrowthTest, PrintsTermsHighestFirst) {
  EXPECT_EQ(Growth().str(), "0");
  EXPECT_EQ(Growth::constant(40).str(), "40");
  Growth G = Growth::term(3, 2) + Growth::term(3, 1);
  EXPECT_EQ(G.str(), "3 n^2 + 3 n");
  EXPECT_EQ((Growth::linear() + Growth::constant(20)).str(), "n + 20");
  EXPECT_EQ(Growth::constant(2.5).str(), "2.5");
  EXPECT_EQ(G.order(), "n^2");
  EXPECT_EQ(Growth::constant(7).order(), "1");
}

TEST(GrowthTest, AddsAndMultipliesByTerm) {
  // A loop of n iterations around one of n iterations doing 3 operations,
  // plus 2 per outer iteration: (3 n + 2) n.
  Growth Body = Growth::term(3, 1) + Growth::constant(2);
  Growth Loop = Body * Growth::linear();
  EXPECT_EQ(Loop.degree(), 2u);
  EXPECT_EQ(Loop.coefficient(2), 3);
  EXPECT_EQ(Loop.coefficient(1), 2);
  EXPECT_EQ(Loop.coefficient(0), 0);
  EXPECT_EQ((Loop * 2.0).coefficient(2), 6);
  EXPECT_EQ((Loop + Loop).coefficient(1), 4);
}

TEST(GrowthTest, DegreeIsCappedAtThree) {
  Growth N = Growth::linear();
  Growth G = N * N * N * N * N;
  EXPECT_EQ(G.degree(), 3u);
  EXPECT_EQ(G.str(), "n^3");
  // Folding higher terms into n^3 keeps their weight.
  Growth H = (Growth::term(2, 3) + Growth::term(1, 1)) * N;
  EXPECT_EQ(H.coefficient(3), 2);
  EXPECT_EQ(H.coefficient(2), 1);
}

TEST(GrowthTest, SaturatesNeverInfinite) {
  Growth Big = Growth::constant(1e300);
  EXPECT_EQ(Big.coefficient(0), Growth::MaxCoefficient);
  Growth G = Growth::term(Growth::MaxCoefficient, 3);
  for (int I = 0; I < 10; ++I)
    G = G * G + G * 1e300;
  for (unsigned D = 0; D <= Growth::MaxDegree; ++D) {
    EXPECT_TRUE(std::isfinite(G.coefficient(D)));
    EXPECT_LE(G.coefficient(D), Growth::MaxCoefficient);
  }
  EXPECT_TRUE(std::isfinite(G.at(1e300)));
  double Inf = std::numeric_limits<double>::infinity();
  double NaN = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(Growth::constant(Inf).coefficient(0), Growth::MaxCoefficient);
  EXPECT_TRUE(Growth::constant(NaN).isZero());
  EXPECT_TRUE(Growth::constant(-5).isZero());
  EXPECT_TRUE((Growth::linear() * NaN).isZero());
  EXPECT_EQ((Growth::linear() * Inf).coefficient(1), Growth::MaxCoefficient);
  EXPECT_EQ(Growth::linear().at(NaN), 0);
}

TEST(GrowthTest, OrdersByDegreeThenLeadingCoefficient) {
  Growth Constant = Growth::constant(1e9);
  Growth Linear = Growth::term(0.5, 1);
  Growth Quadratic = Growth::term(0.01, 2);
  EXPECT_LT(Constant, Linear);
  EXPECT_LT(Linear, Quadratic);
  EXPECT_GT(Quadratic, Constant);
  EXPECT_LT(Growth::term(2, 1), Growth::term(3, 1));
  // Same leading term: the lower ones decide.
  EXPECT_LT(Growth::term(2, 1), Growth::term(2, 1) + Growth::constant(1));
  EXPECT_EQ(Growth::compare(Growth::term(2, 1), Growth::term(2, 1)), 0);
  EXPECT_LE(Growth(), Growth::constant(0));
}

TEST(GrowthTest, MaxIsAtLeastBoth) {
  Growth A = Growth::term(5, 1) + Growth::constant(1);
  Growth B = Growth::term(2, 2) + Growth::constant(9);
  Growth M = Growth::max(A, B);
  EXPECT_GE(M, A);
  EXPECT_GE(M, B);
  for (double N : {0.0, 1.0, 10.0, 1000.0}) {
    EXPECT_GE(M.at(N), A.at(N));
    EXPECT_GE(M.at(N), B.at(N));
  }
  EXPECT_EQ(M.str(), "2 n^2 + 5 n + 9");
}

TEST(GrowthTest, EvaluatesAtANominalSize) {
  Growth G = Growth::term(3, 2) + Growth::term(3, 1) + Growth::constant(4);
  EXPECT_DOUBLE_EQ(G.at(100), 30304);
  EXPECT_DOUBLE_EQ(G.perElement(100), 303.04);
  EXPECT_EQ(Growth::constant(40).perElement(100), 40);
  EXPECT_EQ(G.growing().coefficient(0), 0);
  EXPECT_TRUE(G.grows());
  EXPECT_FALSE(Growth::constant(40).grows());
}

} // namespace
