using ScalePlanner.Simulator.Specs;

namespace ScalePlanner.Simulator.Profiles;

/// <summary>Matrix-multiply efficiency for one precision: fraction of dense peak by GEMM size in GFLOP.</summary>
public sealed record GemmCurve(Precision Precision, EfficiencyCurve EfficiencyByGflop);
