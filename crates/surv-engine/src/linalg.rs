//! Small dense linear algebra for symmetric positive (semi-)definite matrices,
//! row-major `p × p`: the variance matrices of tests and the information
//! matrix of a Cox model. Sizes are the number of groups or covariates, so
//! plain O(p³) loops are right.

/// A Cholesky factorisation `A = L D Lᵀ` (unit lower-triangular `L`, diagonal
/// `D`), stored in one row-major matrix.
pub(crate) struct Cholesky {
    p: usize,
    factor: Vec<f64>,
}

impl Cholesky {
    /// Factorises `a`. A pivot below `tolerance` times the largest diagonal entry
    /// marks the matrix as singular (`None`).
    pub(crate) fn new(a: &[f64], p: usize, tolerance: f64) -> Option<Cholesky> {
        let mut factor = a.to_vec();
        let scale = (0..p).map(|i| a[i * p + i].abs()).fold(0.0, f64::max);
        let threshold = tolerance * scale;
        for j in 0..p {
            let mut pivot = factor[j * p + j];
            for k in 0..j {
                pivot -= factor[j * p + k] * factor[j * p + k] * factor[k * p + k];
            }
            // NaN fails `pivot > threshold` too.
            let usable = pivot > threshold && pivot.is_finite();
            if !usable {
                return None;
            }
            factor[j * p + j] = pivot;
            for i in j + 1..p {
                let mut v = factor[i * p + j];
                for k in 0..j {
                    v -= factor[i * p + k] * factor[j * p + k] * factor[k * p + k];
                }
                factor[i * p + j] = v / pivot;
            }
        }
        Some(Cholesky { p, factor })
    }

    /// Solves `A x = b`.
    pub(crate) fn solve(&self, b: &[f64]) -> Vec<f64> {
        let (p, f) = (self.p, &self.factor);
        let mut x = b.to_vec();
        for i in 0..p {
            for k in 0..i {
                x[i] -= f[i * p + k] * x[k];
            }
        }
        for i in 0..p {
            x[i] /= f[i * p + i];
        }
        for i in (0..p).rev() {
            for k in i + 1..p {
                x[i] -= f[k * p + i] * x[k];
            }
        }
        x
    }

    /// The inverse of `A`, row-major.
    pub(crate) fn inverse(&self) -> Vec<f64> {
        let p = self.p;
        let mut inv = vec![0.0; p * p];
        let mut e = vec![0.0; p];
        for j in 0..p {
            e.iter_mut().for_each(|x| *x = 0.0);
            e[j] = 1.0;
            let col = self.solve(&e);
            for i in 0..p {
                inv[i * p + j] = col[i];
            }
        }
        // Symmetrise away rounding.
        for i in 0..p {
            for j in 0..i {
                let m = (inv[i * p + j] + inv[j * p + i]) / 2.0;
                inv[i * p + j] = m;
                inv[j * p + i] = m;
            }
        }
        inv
    }
}

/// `xᵀ A⁻¹ x` for a symmetric positive definite `A`; `None` if `A` is singular.
pub(crate) fn quadratic_form_inverse(a: &[f64], x: &[f64], tolerance: f64) -> Option<f64> {
    let chol = Cholesky::new(a, x.len(), tolerance)?;
    let y = chol.solve(x);
    Some(x.iter().zip(&y).map(|(a, b)| a * b).sum())
}

/// `xᵀ A⁻¹ x` for a symmetric `A` that need not be positive definite, by
/// Gaussian elimination with partial pivoting; `None` when a pivot is at most
/// `tolerance` times the largest entry of `A` in absolute value (or is not a
/// finite number): `A` is then taken as singular.
pub(crate) fn quadratic_form_solve(a: &[f64], x: &[f64], tolerance: f64) -> Option<f64> {
    let p = x.len();
    let mut m = a.to_vec();
    let mut y = x.to_vec();
    let threshold = tolerance * a.iter().fold(0.0f64, |acc, v| acc.max(v.abs()));
    for j in 0..p {
        let pivot_row =
            (j..p).max_by(|&r, &s| m[r * p + j].abs().total_cmp(&m[s * p + j].abs()))?;
        let pivot = m[pivot_row * p + j];
        if !(pivot.abs() > threshold && pivot.is_finite()) {
            return None;
        }
        if pivot_row != j {
            for col in 0..p {
                m.swap(j * p + col, pivot_row * p + col);
            }
            y.swap(j, pivot_row);
        }
        for r in j + 1..p {
            let factor = m[r * p + j] / pivot;
            for col in j..p {
                m[r * p + col] -= factor * m[j * p + col];
            }
            y[r] -= factor * y[j];
        }
    }
    for j in (0..p).rev() {
        let mut v = y[j];
        for col in j + 1..p {
            v -= m[j * p + col] * y[col];
        }
        y[j] = v / m[j * p + j];
    }
    Some(x.iter().zip(&y).map(|(a, b)| a * b).sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_and_inverts_a_small_matrix() {
        let a = [4.0, 2.0, 0.6, 2.0, 2.0, 0.5, 0.6, 0.5, 3.0];
        let chol = Cholesky::new(&a, 3, 1e-12).unwrap();
        let x = chol.solve(&[1.0, 2.0, 3.0]);
        for i in 0..3 {
            let ax: f64 = (0..3).map(|j| a[i * 3 + j] * x[j]).sum();
            assert!((ax - [1.0, 2.0, 3.0][i]).abs() < 1e-12);
        }
        let inv = chol.inverse();
        for i in 0..3 {
            for j in 0..3 {
                let v: f64 = (0..3).map(|k| a[i * 3 + k] * inv[k * 3 + j]).sum();
                assert!((v - f64::from(u8::from(i == j))).abs() < 1e-12);
            }
        }
    }

    #[test]
    fn the_general_solve_agrees_with_cholesky_and_takes_indefinite_matrices() {
        let a = [4.0, 2.0, 0.6, 2.0, 2.0, 0.5, 0.6, 0.5, 3.0];
        let x = [1.0, -2.0, 0.5];
        let spd = quadratic_form_inverse(&a, &x, 1e-12).unwrap();
        let general = quadratic_form_solve(&a, &x, 1e-12).unwrap();
        assert!((spd - general).abs() < 1e-12 * spd.abs());
        // [[0, 1], [1, 0]] is its own inverse: xᵀ A⁻¹ x = 2 x₀ x₁.
        let q = quadratic_form_solve(&[0.0, 1.0, 1.0, 0.0], &[3.0, 2.0], 1e-12).unwrap();
        assert!((q - 12.0).abs() < 1e-12);
        assert!(quadratic_form_solve(&[1.0, 1.0, 1.0, 1.0], &[1.0, 2.0], 1e-12).is_none());
        assert!(quadratic_form_solve(&[0.0], &[0.0], 1e-7).is_none());
    }

    #[test]
    fn singular_matrices_are_refused() {
        assert!(Cholesky::new(&[1.0, 1.0, 1.0, 1.0], 2, 1e-12).is_none());
        assert!(Cholesky::new(&[0.0], 1, 1e-12).is_none());
    }
}
