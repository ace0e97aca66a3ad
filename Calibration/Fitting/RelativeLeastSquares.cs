using MathNet.Numerics.LinearRegression;

namespace ScalePlanner.Calibration.Fitting;

/// <summary>
/// Linear least squares on relative errors: minimises Σ((x·c − y)/y)², i.e. weighted least squares with weights 1/y²
/// (MathNet.Numerics WeightedRegression), so microseconds-long and seconds-long runs count alike.
/// </summary>
public static class RelativeLeastSquares
{
    public static double[] Fit(double[][] x, double[] y) =>
        WeightedRegression.Weighted(x, y, [.. y.Select(v => 1 / (v * v))], intercept: false);

    /// <summary>Mean absolute percentage error of predictions against measurements.</summary>
    public static double Mape(IEnumerable<(double Predicted, double Measured)> pairs)
    {
        var list = pairs.ToList();
        return list.Count == 0 ? double.NaN : list.Average(p => Math.Abs(p.Predicted - p.Measured) / p.Measured) * 100;
    }

    /// <summary>Every third point, counting from the second, for checking a fit on points it did not see.</summary>
    public static bool HeldOut(int index) => index % 3 == 1;
}
