namespace ScalePlanner.Simulator.Profiles;

/// <summary>
/// Achieved fraction of a peak as a function of operation size x: η(x) = Max·x / (x + Half).
/// A saturating (Michaelis–Menten) form: small kernels pay fixed start-up and tail costs, large ones approach Max;
/// Calculon (Isaev et al. SC23, §3.2) uses a piecewise table of the same shape.
/// </summary>
public sealed record SaturatingCurve(double Max, double Half)
{
    public double At(double x) => Max * x / (x + Half);
}
