namespace ScalePlanner.Simulator.Profiles;

/// <summary>
/// How a GPU's matrix-multiply library cuts a GEMM into output tiles that run one per streaming multiprocessor (or compute
/// unit) at a time (NVIDIA, "Matrix Multiplication Background User's Guide", tile and wave quantization): the share of the
/// last wave's units doing work, times the share of each tile holding real rows and columns, times K/(K + <see cref="KHalf"/>)
/// for the fixed per-tile prologue and epilogue; the library picks the tile shape that comes out best. The profile's GEMM
/// curves are measured on square products, so a product's shape costs it <see cref="RelativeToSquare"/> of the curve.
/// </summary>
/// <param name="Units">Streaming multiprocessors (NVIDIA) or compute units (AMD) that each run one tile at a time.</param>
/// <param name="Tiles">Candidate output tile shapes [rows, columns].</param>
/// <param name="KHalf">The inner dimension at which a tile's fixed costs halve its efficiency.</param>
public sealed record GemmTiling(int Units, IReadOnlyList<int[]> Tiles, double KHalf)
{
    /// <summary>Fraction of the large-GEMM rate a batch × [m×k]·[k×n] product reaches.</summary>
    public double Efficiency(double m, double n, double k, double batch)
    {
        double best = 0;
        foreach (var tile in Tiles)
        {
            double rows = Math.Ceiling(m / tile[0]), columns = Math.Ceiling(n / tile[1]);
            double tiles = rows * columns * batch;
            double waves = Math.Ceiling(tiles / Units);
            double lastWave = tiles / (waves * Units);                 // wave quantization
            double filled = m * n / (rows * tile[0] * columns * tile[1]); // tile quantization
            best = Math.Max(best, lastWave * filled);
        }
        return best * k / (k + KHalf);
    }

    /// <summary>This shape's efficiency over the square product of the same size's, at most 1: the measured curve already holds a square product's quantization.</summary>
    public double RelativeToSquare(double m, double n, double k, double batch)
    {
        double side = Math.Cbrt(m * n * k);
        return Math.Min(1, Efficiency(m, n, k, batch) / Efficiency(side, side, side, batch));
    }
}
