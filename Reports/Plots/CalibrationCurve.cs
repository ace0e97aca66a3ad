namespace ScalePlanner.Reports.Plots;

/// <summary>
/// One calibrated curve to draw: the measured points and the fitted curve through them, in the plot's units (x already on
/// the axis's scale, e.g. log10 of a size). Curves of one <paramref name="Group"/> (matmul, memory kernels, collectives) share a plot.
/// </summary>
public sealed record CalibrationCurve(string Group, string Name, double[] MeasuredX, double[] MeasuredY, double[] FittedX, double[] FittedY);

/// <summary>The axes of one group of calibration curves.</summary>
public sealed record CalibrationAxes(string Group, string Title, string X, string Y);
