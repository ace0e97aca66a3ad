namespace ScalePlanner.Simulator.Plans;

/// <summary>How a scaling sweep varies the job: strong keeps the global batch, weak grows it with the device count.</summary>
public enum ScalingMode { Strong, Weak }

/// <summary>
/// The best layout at one device count of a scaling sweep. Efficiency is throughput per device relative to the sweep's
/// smallest count: (T(n)/n) / (T(n₀)/n₀), parallel efficiency E = S/p with the smallest count as the unit (Grama et al.,
/// Introduction to Parallel Computing, 2nd ed., §5.2.4), for strong scaling and, with the work grown with n, for weak scaling.
/// </summary>
public sealed record ScalingPoint(ScalingMode Mode, int Devices, int GlobalBatchSize, string Layout, double TokensPerSecond, double Efficiency);
