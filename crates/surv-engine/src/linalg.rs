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
    fn singular_matrices_are_refused() {
        assert!(Cholesky::new(&[1.0, 1.0, 1.0, 1.0], 2, 1e-12).is_none());
        assert!(Cholesky::new(&[0.0], 1, 1e-12).is_none());
    }
}
