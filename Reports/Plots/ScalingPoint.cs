namespace ScalePlanner.Reports.Plots;

/// <summary>How a scaling sweep varies the job: strong keeps the global batch, weak grows it with the device count.</summary>
public enum ScalingMode { Strong, Weak }

/// <summary>
/// The best layout at one device count of a scaling sweep. Efficiency is throughput per device relative to the sweep's
/// smallest count: (T(n)/n) / (T(n₀)/n₀), the usual parallel efficiency for both strong and weak scaling.
/// </summary>
public sealed record ScalingPoint(ScalingMode Mode, int Devices, int GlobalBatchSize, string Layout, double TokensPerSecond, double Efficiency);
