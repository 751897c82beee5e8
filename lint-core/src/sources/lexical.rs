//! One pass over a file's text before syn sees it: Rust's tokens as far as they matter here
//! (comments, every kind of literal, identifiers, operators, delimiters), from which it
//! measures how deep the syntax tree of the file can be, and keeps the comments that may
//! be suppressions.
//!
//! # Why measure
//!
//! syn parses by recursive descent, and every walk of a syntax tree (ours, syn's `Visit`,
//! the drop of the tree) recurses along it. A generated file with 100,000 nested
//! parentheses, `Vec<Vec<..>>` types, `|| || ..` closures or `- - ..` operators would
//! overflow any stack. So the file is refused, as a `parse-error` naming the limit, when
//! either measure passes its limit:
//!
//! - **nesting** ([`MAX_NESTING_DEPTH`]): the constructs syn parses by recursion, counted
//!   where they are still open: brackets of every kind, generic angle brackets, unary
//!   operators and reference/pointer types (`!`, `-`, `*`, `&`), closures, `return`,
//!   `break`, `yield` and `box`, assignments (right-associative), function return types
//!   (`fn() -> fn() -> ..`), ranges without a start and pattern bindings (`a @ b`).
//! - **chain** ([`MAX_CHAIN_LENGTH`]): the constructs syn parses in a loop but that still
//!   nest in the tree: method calls, fields, `.await`, `?`, calls, indexing, casts, binary
//!   operators and `else if`.
//!
//! Both are upper bounds computed from tokens alone: an operator counts from where it is
//! written to the end of the expression that holds it (a `;`, a `,` outside generic
//! arguments and closure parameters, a `=>`, or the end of a block followed by something
//! that cannot continue an expression). They over-count a little (a `<` may be a
//! comparison), never under-count; real code stays far below both limits. The parsing
//! threads' stack is sized for a file at both limits at once (see `analysis`), and tests
//! parse and walk such files.

/// Nesting (see the module documentation) deeper than this is refused. Real code stays far
/// below: rustc's own recursion limit for macros is 128.
pub const MAX_NESTING_DEPTH: usize = 256;

/// An expression chaining more operations than this (see the module documentation) is
/// refused: a `.clone()` chain of 30,000 calls is analysed, one of 30,001 is not. Each
/// operation is a level of the syntax tree, and every walk of the tree (syn's drop, the
/// index's visitor) recurses through it: tests analyse a chain at the limit in a debug
/// build, whose frames are the largest (there a chain of 100,000 still fits the stack).
pub const MAX_CHAIN_LENGTH: usize = 30_000;

/// Which limit a file passes, and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct LimitPassed {
    pub offset: usize,
    pub limit: Limit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Limit {
    /// Nesting, and the construct that went past the limit.
    Nesting(Construct),
    Chain,
}

/// The construct whose level went past [`MAX_NESTING_DEPTH`], for the message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Construct {
    Brackets,
    GenericArguments,
    UnaryOperators,
    Closures,
    Jumps,
    Assignments,
    ReturnTypes,
    Ranges,
    PatternBindings,
}

impl Construct {
    pub(super) fn describe(self) -> &'static str {
        match self {
            Construct::Brackets => "brackets",
            Construct::GenericArguments => "generic arguments `<..>`",
            Construct::UnaryOperators => "unary operators or reference and pointer types",
            Construct::Closures => "closures",
            Construct::Jumps => "`return`, `break`, `yield` or `box`",
            Construct::Assignments => "assignments",
            Construct::ReturnTypes => "function return types `-> ..`",
            Construct::Ranges => "ranges",
            Construct::PatternBindings => "pattern bindings `@`",
        }
    }
}

/// A comment that may be a suppression: it mentions the marker, or something that looks
/// like it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct MarkedComment<'a> {
    pub line: u32,
    /// In characters, from 1.
    pub column: u32,
    pub text: &'a str,
    /// Whether code precedes the comment on its line.
    pub code_before: bool,
    /// A `/* .. */` comment.
    pub block: bool,
}

/// What one lexical scan of a file tells.
#[derive(Debug, Default)]
pub(super) struct LexicalFacts<'a> {
    pub passed: Option<LimitPassed>,
    pub marked_comments: Vec<MarkedComment<'a>>,
}

/// Scans `text`, measuring against `limits` (nesting, chain) and keeping the comments for
/// which `is_marked` holds. Stops measuring at the first limit passed, but keeps reading
/// comments to the end.
pub(super) fn lexical_facts<'a>(
    text: &'a str,
    limits: (usize, usize),
    is_marked: impl Fn(&str) -> bool,
) -> LexicalFacts<'a> {
    let mut lexer = Lexer::new(text.as_bytes());
    let mut measure = Measure::new(limits);
    let mut facts = LexicalFacts::default();
    let mut lines = LineCounter::default();
    while let Some((token, start)) = lexer.next_token() {
        match token {
            Token::Comment { block } => {
                let comment = &text[start..lexer.position];
                if is_marked(comment) {
                    let (line, line_start) = lines.line_of(text.as_bytes(), start);
                    let before = &text[line_start..start];
                    facts.marked_comments.push(MarkedComment {
                        line,
                        column: before.chars().count() as u32 + 1,
                        text: comment,
                        code_before: !before.trim().is_empty(),
                        block,
                    });
                }
            }
            _ if facts.passed.is_some() => {}
            token => {
                if let Some(limit) = measure.take(token) {
                    facts.passed = Some(LimitPassed {
                        offset: start,
                        limit,
                    });
                }
            }
        }
    }
    facts
}

/// Counts lines up to an offset, going forward only, so that many comments stay linear.
#[derive(Default)]
struct LineCounter {
    counted_to: usize,
    line: u32,
    line_start: usize,
}

impl LineCounter {
    /// The line (from 1) of `offset` and the offset where that line starts; offsets must not
    /// go back.
    fn line_of(&mut self, bytes: &[u8], offset: usize) -> (u32, usize) {
        for (at, byte) in bytes[self.counted_to..offset].iter().enumerate() {
            if *byte == b'\n' {
                self.line += 1;
                self.line_start = self.counted_to + at + 1;
            }
        }
        self.counted_to = offset;
        (self.line + 1, self.line_start)
    }
}

/// The tokens the measure needs; everything else about them is dropped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Token {
    Open(u8),
    Close(u8),
    /// An identifier, or a keyword that is a value (`self`, `true`, `await`, `continue`).
    Ident,
    Keyword(Keyword),
    Literal,
    Lifetime,
    Punct(Punct),
    Comment {
        block: bool,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Keyword {
    As,
    Else,
    /// `return`, `break`, `yield`, `become`, `box`: a prefix whose operand is a whole
    /// expression.
    Jump,
    /// Any other keyword: what follows it starts an operand.
    Other,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Punct {
    Semi,
    Comma,
    FatArrow,
    ThinArrow,
    Dot,
    /// `..`, `...`, `..=`
    DotDot,
    Question,
    Not,
    Minus,
    Star,
    And,
    AndAnd,
    Or,
    OrOr,
    Lt,
    Shl,
    Le,
    Gt,
    Shr,
    Ge,
    ShrEq,
    Eq,
    /// `+=`, `-=`, `*=`, `/=`, `%=`, `^=`, `&=`, `|=`, `<<=`
    AssignOp,
    /// `+`: also between bounds in generic arguments (`Box<dyn A + B>`).
    Plus,
    /// `/`, `%`, `^`, `==`, `!=`
    Binary,
    At,
    /// `:`, `::`, `#`, `$`, `~` and anything else.
    Other,
}

/// Rust's lexical grammar, enough to never mistake the inside of a literal or comment for
/// code: nested block comments, strings with escapes, raw strings with any number of
/// hashes, byte and C strings (`b".."`, `br#".."#`, `c".."`, `cr".."`), characters and
/// byte characters (`'('`, `'\''`, `b'"'`) against lifetimes (`'a`), raw identifiers
/// (`r#type`), numbers (`1.0` against the tuple fields of `x.0.1`). It never fails: what it
/// does not know is a punctuation token.
pub(super) struct Lexer<'a> {
    bytes: &'a [u8],
    pub(super) position: usize,
    /// The previous token was a `.`: a number is a tuple field, never a float.
    after_dot: bool,
}

impl<'a> Lexer<'a> {
    pub(super) fn new(bytes: &'a [u8]) -> Self {
        Lexer {
            bytes,
            position: 0,
            after_dot: false,
        }
    }

    fn peek(&self, ahead: usize) -> u8 {
        self.bytes.get(self.position + ahead).copied().unwrap_or(0)
    }

    /// The next token and where it starts; `None` at the end.
    pub(super) fn next_token(&mut self) -> Option<(Token, usize)> {
        loop {
            let byte = *self.bytes.get(self.position)?;
            if byte.is_ascii_whitespace() {
                self.position += 1;
                continue;
            }
            let start = self.position;
            let token = self.token(byte);
            self.after_dot = token == Token::Punct(Punct::Dot);
            return Some((token, start));
        }
    }

    fn token(&mut self, byte: u8) -> Token {
        match byte {
            b'/' if self.peek(1) == b'/' => {
                self.skip_line_comment();
                Token::Comment { block: false }
            }
            b'/' if self.peek(1) == b'*' => {
                self.skip_block_comment();
                Token::Comment { block: true }
            }
            b'"' => {
                self.position += 1;
                self.skip_quoted(b'"');
                self.skip_suffix();
                Token::Literal
            }
            b'\'' => self.quote_or_lifetime(),
            b'0'..=b'9' => {
                self.skip_number();
                Token::Literal
            }
            b'(' | b'[' | b'{' => {
                self.position += 1;
                Token::Open(byte)
            }
            b')' | b']' | b'}' => {
                self.position += 1;
                Token::Close(byte)
            }
            _ if is_ident_start(byte) => self.identifier_or_prefixed_literal(),
            _ => Token::Punct(self.punct()),
        }
    }

    fn skip_line_comment(&mut self) {
        while self.position < self.bytes.len() && self.bytes[self.position] != b'\n' {
            self.position += 1;
        }
    }

    fn skip_block_comment(&mut self) {
        let mut depth = 1usize;
        self.position += 2;
        while self.position < self.bytes.len() && depth > 0 {
            match (self.bytes[self.position], self.peek(1)) {
                (b'/', b'*') => {
                    depth += 1;
                    self.position += 2;
                }
                (b'*', b'/') => {
                    depth -= 1;
                    self.position += 2;
                }
                _ => self.position += 1,
            }
        }
    }

    /// Skips to after the closing `quote`, honouring backslash escapes.
    fn skip_quoted(&mut self, quote: u8) {
        while self.position < self.bytes.len() {
            match self.bytes[self.position] {
                b'\\' => self.position += 2,
                byte if byte == quote => {
                    self.position += 1;
                    return;
                }
                _ => self.position += 1,
            }
        }
        self.position = self.position.min(self.bytes.len());
    }

    /// `r#".."#` from the first `#` or `"` after the prefix: no escapes, ends at a quote
    /// followed by as many hashes as opened it.
    fn skip_raw_string(&mut self) {
        let mut hashes = 0;
        while self.peek(0) == b'#' {
            hashes += 1;
            self.position += 1;
        }
        if self.peek(0) != b'"' {
            return; // not a raw string after all: `r#` then something else
        }
        self.position += 1;
        while self.position < self.bytes.len() {
            if self.bytes[self.position] == b'"'
                && (1..=hashes).all(|ahead| self.peek(ahead) == b'#')
            {
                self.position += 1 + hashes;
                return;
            }
            self.position += 1;
        }
    }

    /// A literal's suffix (`"a"suffix`, `1u8`).
    fn skip_suffix(&mut self) {
        while self.position < self.bytes.len() && is_ident_continue(self.bytes[self.position]) {
            self.position += 1;
        }
    }

    fn skip_number(&mut self) {
        let hex = self.peek(0) == b'0' && matches!(self.peek(1), b'x' | b'X');
        self.skip_digits_and_exponent(hex);
        // `1.5` and `1.` are floats; `1..2` is a range, `1.max(2)` a method call, and after
        // a `.` (`x.0.1`) a number is a tuple field, as rustc splits it.
        if !self.after_dot
            && !hex
            && self.peek(0) == b'.'
            && self.peek(1) != b'.'
            && !is_ident_start(self.peek(1))
        {
            self.position += 1;
            self.skip_digits_and_exponent(false);
        }
    }

    fn skip_digits_and_exponent(&mut self, hex: bool) {
        while self.position < self.bytes.len() {
            let byte = self.bytes[self.position];
            if is_ident_continue(byte) {
                self.position += 1;
                if !hex && matches!(byte, b'e' | b'E') && matches!(self.peek(0), b'+' | b'-') {
                    self.position += 1;
                }
            } else {
                break;
            }
        }
    }

    /// `'a'`, `'\''`, `'\u{1F600}'`, `'é'` are characters; `'a`, `'static` lifetimes.
    fn quote_or_lifetime(&mut self) -> Token {
        let after = self.position + 1;
        if self.peek(1) == b'\\' {
            self.position += 3; // the quote, the backslash and the escaped character
            while self.position < self.bytes.len() && self.bytes[self.position] != b'\'' {
                if self.bytes[self.position] == b'\n' {
                    return Token::Literal; // unterminated: let syn say so
                }
                self.position += 1;
            }
            self.position = (self.position + 1).min(self.bytes.len());
            self.skip_suffix();
            return Token::Literal;
        }
        let width = utf8_width(self.peek(1));
        if self.bytes.get(after + width) == Some(&b'\'') {
            self.position = after + width + 1;
            self.skip_suffix();
            return Token::Literal;
        }
        self.position = after;
        if self.peek(0) == b'r' && self.peek(1) == b'#' {
            self.position += 2;
        }
        self.skip_suffix();
        Token::Lifetime
    }

    fn identifier_or_prefixed_literal(&mut self) -> Token {
        let start = self.position;
        self.skip_suffix();
        let word = &self.bytes[start..self.position];
        match (word, self.peek(0)) {
            (b"b" | b"c", b'"') => {
                self.position += 1;
                self.skip_quoted(b'"');
                self.skip_suffix();
                return Token::Literal;
            }
            (b"b", b'\'') => {
                // A byte: the same shape as a character.
                return match self.quote_or_lifetime() {
                    Token::Lifetime => Token::Punct(Punct::Other),
                    literal => literal,
                };
            }
            (b"r" | b"br" | b"cr", b'"') => {
                self.skip_raw_string();
                self.skip_suffix();
                return Token::Literal;
            }
            (b"r" | b"br" | b"cr", b'#') if matches!(self.peek(1), b'#' | b'"') => {
                self.skip_raw_string();
                self.skip_suffix();
                return Token::Literal;
            }
            (b"r", b'#') if is_ident_start(self.peek(1)) => {
                // A raw identifier: `r#type` is a name, never a keyword.
                self.position += 1;
                self.skip_suffix();
                return Token::Ident;
            }
            _ => {}
        }
        if self.after_dot {
            return Token::Ident; // a field or method, whatever its name
        }
        match word {
            b"as" => Token::Keyword(Keyword::As),
            b"else" => Token::Keyword(Keyword::Else),
            b"return" | b"break" | b"yield" | b"become" | b"box" => Token::Keyword(Keyword::Jump),
            b"async" | b"const" | b"do" | b"dyn" | b"enum" | b"extern" | b"fn" | b"for" | b"if"
            | b"impl" | b"in" | b"let" | b"loop" | b"match" | b"mod" | b"move" | b"mut"
            | b"pub" | b"ref" | b"static" | b"struct" | b"trait" | b"type" | b"unsafe" | b"use"
            | b"where" | b"while" => Token::Keyword(Keyword::Other),
            _ => Token::Ident,
        }
    }

    fn punct(&mut self) -> Punct {
        let rest = &self.bytes[self.position..];
        let (punct, width) = match rest {
            [b'.', b'.', b'.' | b'=', ..] => (Punct::DotDot, 3),
            [b'.', b'.', ..] => (Punct::DotDot, 2),
            [b'.', ..] => (Punct::Dot, 1),
            [b'<', b'<', b'=', ..] => (Punct::AssignOp, 3),
            [b'>', b'>', b'=', ..] => (Punct::ShrEq, 3),
            [b'<', b'<', ..] => (Punct::Shl, 2),
            [b'>', b'>', ..] => (Punct::Shr, 2),
            [b'<', b'=', ..] => (Punct::Le, 2),
            [b'>', b'=', ..] => (Punct::Ge, 2),
            [b'<', ..] => (Punct::Lt, 1),
            [b'>', ..] => (Punct::Gt, 1),
            [b'=', b'>', ..] => (Punct::FatArrow, 2),
            [b'=', b'=', ..] | [b'!', b'=', ..] => (Punct::Binary, 2),
            [b'=', ..] => (Punct::Eq, 1),
            [b'-', b'>', ..] => (Punct::ThinArrow, 2),
            [b'&', b'&', ..] => (Punct::AndAnd, 2),
            [b'|', b'|', ..] => (Punct::OrOr, 2),
            [b'+' | b'-' | b'*' | b'/' | b'%' | b'^' | b'&' | b'|', b'=', ..] => {
                (Punct::AssignOp, 2)
            }
            [b':', b':', ..] => (Punct::Other, 2),
            [b';', ..] => (Punct::Semi, 1),
            [b',', ..] => (Punct::Comma, 1),
            [b'?', ..] => (Punct::Question, 1),
            [b'!', ..] => (Punct::Not, 1),
            [b'-', ..] => (Punct::Minus, 1),
            [b'*', ..] => (Punct::Star, 1),
            [b'&', ..] => (Punct::And, 1),
            [b'|', ..] => (Punct::Or, 1),
            [b'+', ..] => (Punct::Plus, 1),
            [b'/' | b'%' | b'^', ..] => (Punct::Binary, 1),
            [b'@', ..] => (Punct::At, 1),
            _ => (Punct::Other, 1),
        };
        self.position += width;
        punct
    }
}

fn is_ident_start(byte: u8) -> bool {
    byte.is_ascii_alphabetic() || byte == b'_' || byte >= 0x80
}

fn is_ident_continue(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte >= 0x80
}

/// The length of the UTF-8 character starting with `byte`.
fn utf8_width(byte: u8) -> usize {
    match byte {
        0xF0..=0xFF => 4,
        0xE0..=0xEF => 3,
        0xC0..=0xDF => 2,
        _ => 1,
    }
}

/// One delimited group being measured (the file itself is the outermost).
struct Frame {
    /// Open recursive constructs of the current expression (see the module documentation).
    nesting: usize,
    chain: usize,
    /// Where this frame's open `<` start in [`Measure::angles`].
    angle_base: usize,
    /// Between a closure's `|` and `|`: commas there separate parameters and end nothing.
    closure_parameters: bool,
    /// The previous token ends an operand: an operator now is infix, a bracket a call.
    after_operand: bool,
    /// The previous tokens were `.name`: a `(` now is the method call's, not another call.
    after_member: bool,
    /// A `{..}` group just closed here: unless the next token continues an expression, the
    /// expression ended with it.
    block_closed: bool,
}

impl Frame {
    fn new(angle_base: usize) -> Self {
        Frame {
            nesting: 0,
            chain: 0,
            angle_base,
            closure_parameters: false,
            after_operand: false,
            after_member: false,
            block_closed: false,
        }
    }
}

/// The two measures over the token stream, with running totals over every open frame.
struct Measure {
    frames: Vec<Frame>,
    /// Each open `<` (of every frame): the frame's nesting and chain when it opened, and
    /// whether it came after an operand (`a < b`, `Vec<u8>`) rather than before one
    /// (`<T as Trait>`, `::<u8>`).
    angles: Vec<(usize, usize, bool)>,
    /// Σ over frames of 1 + nesting + open angles.
    nesting_total: usize,
    chain_total: usize,
    limits: (usize, usize),
}

impl Measure {
    fn new(limits: (usize, usize)) -> Self {
        Measure {
            frames: vec![Frame::new(0)],
            angles: Vec::new(),
            nesting_total: 1,
            chain_total: 0,
            limits,
        }
    }

    fn frame(&mut self) -> &mut Frame {
        let last = self.frames.len() - 1;
        &mut self.frames[last]
    }

    /// Takes one token; says which limit it passes, if one.
    fn take(&mut self, token: Token) -> Option<Limit> {
        let frame = self.frame();
        if std::mem::take(&mut frame.block_closed) && !continues_expression(token) {
            self.end_expression();
        }
        let frame = self.frame();
        let infix = frame.after_operand;
        let after_member = std::mem::take(&mut frame.after_member);
        let (nesting, chain, construct) = match token {
            Token::Comment { .. } => return None,
            Token::Open(delimiter) => {
                let is_call = infix && delimiter != b'{' && !after_member;
                self.add(0, usize::from(is_call));
                let angle_base = self.angles.len();
                self.frames.push(Frame::new(angle_base));
                self.nesting_total += 1;
                return self.check(Construct::Brackets);
            }
            Token::Close(delimiter) => {
                if self.frames.len() > 1 {
                    self.close_frame();
                }
                let frame = self.frame();
                frame.after_operand = true;
                frame.block_closed = delimiter == b'}';
                return None;
            }
            Token::Ident | Token::Literal => {
                let frame = self.frame();
                frame.after_operand = true;
                frame.after_member = after_member_name(infix, after_member);
                return None;
            }
            Token::Lifetime => {
                self.frame().after_operand = false;
                return None;
            }
            Token::Keyword(Keyword::As | Keyword::Else) => (0, 1, Construct::Brackets),
            Token::Keyword(Keyword::Jump) => (1, 0, Construct::Jumps),
            Token::Keyword(Keyword::Other) => (0, 0, Construct::Brackets),
            Token::Punct(punct) => match self.punct(punct, infix) {
                Step::Counted(nesting, chain, construct) => (nesting, chain, construct),
                Step::Done(limit) => return limit,
            },
        };
        let frame = self.frame();
        frame.after_operand = false;
        if token == Token::Punct(Punct::Dot) {
            frame.after_member = true;
        }
        self.add(nesting, chain);
        self.check(construct)
    }

    fn punct(&mut self, punct: Punct, infix: bool) -> Step {
        use Punct::*;
        let counted = |nesting, chain, construct| Step::Counted(nesting, chain, construct);
        let unary = if infix {
            counted(0, 1, Construct::UnaryOperators)
        } else {
            counted(1, 0, Construct::UnaryOperators)
        };
        if infix && !may_follow_operand_in_generics(punct) {
            // `a < b && ..`, `i < v.len()`: the `<` opened after an operand was a comparison,
            // or generic arguments that syn will reject right here.
            self.close_comparisons();
        }
        match punct {
            Semi | FatArrow => {
                self.end_expression();
                Step::Done(None)
            }
            Comma => {
                if !self.frame().closure_parameters {
                    self.end_element();
                }
                self.frame().after_operand = false;
                Step::Done(None)
            }
            Not if infix => counted(0, 0, Construct::Brackets), // a macro's `!`
            Not | Minus | Star | And => unary,
            AndAnd if infix => counted(0, 1, Construct::UnaryOperators),
            AndAnd => counted(2, 0, Construct::UnaryOperators),
            Or | OrOr => {
                let frame = self.frame();
                if frame.closure_parameters {
                    // The parameters end; `||` also opens the next closure's: `|a||b| ..`.
                    frame.closure_parameters = punct == OrOr;
                    return counted(usize::from(punct == OrOr), 0, Construct::Closures);
                }
                if infix {
                    return counted(0, 1, Construct::Brackets);
                }
                frame.closure_parameters = punct == Or;
                counted(1, 0, Construct::Closures)
            }
            DotDot if infix => counted(0, 1, Construct::Ranges),
            DotDot => counted(1, 0, Construct::Ranges),
            Dot => counted(0, 1, Construct::Brackets),
            Question if infix => {
                // Postfix: what follows is still after an operand.
                self.add(0, 1);
                let limit = self.check(Construct::Brackets);
                self.frame().after_operand = true;
                Step::Done(limit)
            }
            Question => counted(0, 0, Construct::Brackets), // `?Sized`
            Lt | Shl => {
                let opened = if punct == Shl { 2 } else { 1 };
                for _ in 0..opened {
                    let frame = self.frame();
                    let saved = (frame.nesting, frame.chain, infix);
                    self.angles.push(saved);
                    self.nesting_total += 1;
                }
                let limit = self.check(Construct::GenericArguments);
                if limit.is_some() {
                    return Step::Done(limit);
                }
                // A `<` after an operand may be a comparison: it counts in the chain too.
                counted(0, usize::from(infix), Construct::GenericArguments)
            }
            Le if infix => counted(0, 1, Construct::Brackets),
            Gt | Shr | Ge | ShrEq => {
                let wanted = if matches!(punct, Shr | ShrEq) { 2 } else { 1 };
                let closed = self.close_angles(wanted);
                let assigns = matches!(punct, Ge | ShrEq) && (closed > 0 || punct == ShrEq);
                if assigns {
                    // `Vec<u8>= v` is `>` then `=`; `a >>= 1` an assignment.
                    return counted(1, 0, Construct::Assignments);
                }
                // A `>` after an operand may be a comparison: it counts in the chain.
                self.add(0, usize::from(infix));
                let limit = self.check(Construct::Brackets);
                // After generic arguments (`Vec::<u8>::new`, `f::<T>(..)`) an operand ended.
                self.frame().after_operand = closed > 0;
                Step::Done(limit)
            }
            Eq | AssignOp => counted(1, 0, Construct::Assignments),
            Plus | Binary if infix => counted(0, 1, Construct::Brackets),
            ThinArrow => counted(1, 0, Construct::ReturnTypes),
            At => counted(1, 0, Construct::PatternBindings),
            Le | Plus | Binary | Other => counted(0, 0, Construct::Brackets),
        }
    }

    fn add(&mut self, nesting: usize, chain: usize) {
        let frame = self.frame();
        frame.nesting += nesting;
        frame.chain += chain;
        self.nesting_total += nesting;
        self.chain_total += chain;
    }

    fn check(&self, construct: Construct) -> Option<Limit> {
        if self.nesting_total > self.limits.0 {
            Some(Limit::Nesting(construct))
        } else if self.chain_total > self.limits.1 {
            Some(Limit::Chain)
        } else {
            None
        }
    }

    /// Closes up to `wanted` of the current frame's open `<`; returns how many. What was
    /// counted inside stays counted until the expression ends: a `>` may close a comparison.
    fn close_angles(&mut self, wanted: usize) -> usize {
        let base = self.frame().angle_base;
        let mut closed = 0;
        while closed < wanted && self.angles.len() > base {
            self.angles.pop();
            self.nesting_total -= 1;
            closed += 1;
        }
        closed
    }

    /// Closes the `<` opened after an operand at the top of this frame's open ones.
    fn close_comparisons(&mut self) {
        let base = self.frame().angle_base;
        while self.angles.len() > base && self.angles.last().is_some_and(|angle| angle.2) {
            self.angles.pop();
            self.nesting_total -= 1;
        }
    }

    /// A `,`: what opened since the innermost open `<` of this frame ends (an element, an
    /// argument, a field, a generic argument).
    fn end_element(&mut self) {
        let base = self.frame().angle_base;
        let (nesting, chain) = match self.angles.get(base..).and_then(<[_]>::last) {
            Some((nesting, chain, _)) => (*nesting, *chain),
            None => (0, 0),
        };
        let frame = self.frame();
        let (dropped_nesting, dropped_chain) = (
            frame.nesting.saturating_sub(nesting),
            frame.chain.saturating_sub(chain),
        );
        frame.nesting -= dropped_nesting;
        frame.chain -= dropped_chain;
        self.nesting_total -= dropped_nesting;
        self.chain_total -= dropped_chain;
    }

    /// A `;`, a `=>`, or a block that ends an expression: everything open in this frame ends.
    fn end_expression(&mut self) {
        let base = self.frame().angle_base;
        let open_angles = self.angles.len() - base;
        self.angles.truncate(base);
        let frame = self.frame();
        let (nesting, chain) = (frame.nesting, frame.chain);
        frame.nesting = 0;
        frame.chain = 0;
        frame.closure_parameters = false;
        frame.after_operand = false;
        self.nesting_total -= nesting + open_angles;
        self.chain_total -= chain;
    }

    fn close_frame(&mut self) {
        if let Some(frame) = self.frames.pop() {
            let open_angles = self.angles.len() - frame.angle_base;
            self.angles.truncate(frame.angle_base);
            self.nesting_total -= 1 + frame.nesting + open_angles;
            self.chain_total -= frame.chain;
        }
    }
}

enum Step {
    /// Add this much nesting and chain; the construct names a nesting past the limit.
    Counted(usize, usize, Construct),
    /// Already handled; the limit passed, if one.
    Done(Option<Limit>),
}

/// Whether an operator may follow an operand inside generic arguments: `,`, `>`, `+`
/// between bounds, `=` and `:` of associated types, `::`, `<`, `!` of a macro, `->` of
/// `Fn(A) -> B`. Any other after an operand means the `<` before it was a comparison.
fn may_follow_operand_in_generics(punct: Punct) -> bool {
    use Punct::*;
    matches!(
        punct,
        Comma
            | Gt
            | Shr
            | Ge
            | ShrEq
            | Lt
            | Shl
            | Plus
            | Eq
            | Not
            | ThinArrow
            | Other
            | Semi
            | FatArrow
    )
}

/// After `.`, an identifier or number is a member: a `(` right after it is its call's.
fn after_member_name(infix: bool, after_dot: bool) -> bool {
    !infix && after_dot
}

/// Whether a token after a closing `}` continues the expression the block is part of (a
/// method call on it, an operator, `else`, `as`), rather than starting a new statement or
/// item.
fn continues_expression(token: Token) -> bool {
    use Punct::*;
    match token {
        Token::Keyword(Keyword::As | Keyword::Else) => true,
        Token::Open(delimiter) => delimiter != b'{',
        Token::Punct(punct) => matches!(
            punct,
            Dot | DotDot
                | Question
                | Minus
                | Star
                | And
                | AndAnd
                | Or
                | OrOr
                | Lt
                | Shl
                | Le
                | Gt
                | Shr
                | Ge
                | ShrEq
                | Eq
                | AssignOp
                | Plus
                | Binary
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<Token> {
        let mut lexer = Lexer::new(text.as_bytes());
        std::iter::from_fn(|| lexer.next_token().map(|(token, _)| token)).collect()
    }

    fn measured(text: &str) -> (usize, usize) {
        // The deepest nesting and longest chain seen, by raising the limits until it passes.
        let mut measure = Measure::new((usize::MAX, usize::MAX));
        let mut lexer = Lexer::new(text.as_bytes());
        let (mut nesting, mut chain) = (0, 0);
        while let Some((token, _)) = lexer.next_token() {
            measure.take(token);
            nesting = nesting.max(measure.nesting_total);
            chain = chain.max(measure.chain_total);
        }
        (nesting, chain)
    }

    #[test]
    fn literals_hide_what_is_inside_them() {
        use Token::*;
        for text in [
            r#""(""#,
            r#""\"(""#,
            r##"r#"(")"#"##,
            r#"br"\""#,
            r#"cr"\""#,
            r#"b"\"(""#,
            r#"c"(""#,
            r#"'('"#,
            r#"'\''"#,
            r#"b'\''"#,
            r#"'\u{28}'"#,
            "'é'",
            "1.5e-3f64",
            r###"br##"a"#(b"##"###,
        ] {
            assert_eq!(tokens(text), [Literal], "{text}");
        }
        assert_eq!(tokens("'a"), [Lifetime]);
        assert_eq!(tokens("'static str"), [Lifetime, Ident]);
        assert_eq!(tokens("r#type"), [Ident]);
        assert_eq!(
            tokens("/* ( /* ( */ ( */ x // ("),
            [Comment { block: true }, Ident, Comment { block: false }]
        );
        // `x.0.1` is two fields, as rustc splits it; `1..2` a range.
        assert_eq!(
            tokens("x.0.1"),
            [
                Ident,
                Punct(super::Punct::Dot),
                Literal,
                Punct(super::Punct::Dot),
                Literal
            ]
        );
        assert_eq!(
            tokens("1..2"),
            [Literal, Punct(super::Punct::DotDot), Literal]
        );
    }

    #[test]
    fn a_raw_string_ending_in_a_backslash_does_not_hide_the_brackets_after_it() {
        // `br"\"` is a complete literal: the brackets after it are code.
        let source = format!(
            "fn f() {{ let _ = br\"\\\"; let _ = {}1{}; }}",
            "(".repeat(300),
            ")".repeat(300)
        );
        let facts = lexical_facts(&source, (MAX_NESTING_DEPTH, MAX_CHAIN_LENGTH), |_| false);
        assert!(facts.passed.is_some());
        let source = source.replace("br\"", "cr\"");
        let facts = lexical_facts(&source, (MAX_NESTING_DEPTH, MAX_CHAIN_LENGTH), |_| false);
        assert!(facts.passed.is_some());
    }

    #[test]
    fn every_recursive_construct_counts_as_nesting() {
        for (text, at_least) in [
            ("type T = Vec<Vec<Vec<u8>>>;", 4),
            ("type T = &&&&u8;", 4),
            ("type T = *const *const *const u8;", 4),
            ("type T = fn() -> fn() -> fn() -> u8;", 4),
            ("fn f() { || || || 1; }", 5),
            ("fn f() { |a, b| |c| |d| 1; }", 5),
            ("fn f() { - - - - 1; }", 6),
            ("fn f() { !!!!x; }", 6),
            ("fn f() { return return return; }", 5),
            ("fn f() { a = b = c = d; }", 5),
            ("fn f() { let _ = .. .. ..1; }", 6),
            ("fn f(a @ b @ c @ d: u8) {}", 4),
            ("type T = Box<dyn Fn(u8) -> Vec<&Vec<&u8>>>;", 6),
        ] {
            let (nesting, _) = measured(text);
            assert!(nesting >= at_least, "{text}: {nesting} < {at_least}");
        }
    }

    #[test]
    fn loops_of_syn_count_in_the_chain() {
        for (text, at_least) in [
            ("fn f() { a.b.c.d.e; }", 4),
            ("fn f() { a.b().c().d(); }", 3),
            ("fn f() { a()()(); }", 3),
            ("fn f() { a[0][1][2]; }", 3),
            ("fn f() { a???; }", 3),
            ("fn f() { 1 as u8 as u16 as u32; }", 3),
            ("fn f() { 1 + 2 - 3 * 4 / 5; }", 4),
            ("fn f() { if a {} else if b {} else if c {} else {} }", 3),
            ("fn f() { x.0.1.2; }", 3),
            ("fn f() { a < b && c > d && e < f; }", 5),
        ] {
            let (_, chain) = measured(text);
            assert!(chain >= at_least, "{text}: {chain} < {at_least}");
        }
    }

    #[test]
    fn expressions_end_where_syn_ends_them() {
        // Separate statements, items, arguments and arms do not add up.
        let many = |piece: &str| piece.repeat(400);
        for text in [
            format!("fn f() {{ {} }}", many("let a = &&x.y.z; ")),
            format!("fn f() {{ g({}); }}", many("&a.b, ")),
            format!("impl A {{ {} }}", many("fn g(&self) -> Vec<u8> { x } ")),
            format!("fn f() {{ match x {{ {} }} }}", many("A => -a + b, ")),
            format!("fn f() {{ {} }}", many("if a < b { c } ")),
            format!("type T = HashMap<{}u8>;", many("&u8, ")),
        ] {
            let (nesting, chain) = measured(&text);
            assert!(
                nesting < 16 && chain < 16,
                "{nesting} {chain}: {}",
                &text[..80]
            );
        }
    }

    #[test]
    fn constructs_that_stay_open_across_commas_and_comparisons_still_count() {
        // Closure parameters, generic arguments, and a `>` that closed a comparison rather
        // than generics do not end what is open.
        for (text, at_least) in [
            ("|a, b| ".repeat(300) + "1", 300),
            ("&Vec<A, ".repeat(300) + "B" + &">".repeat(300), 600),
            ("a < b && |x| x > c && ".repeat(300) + "d", 300),
        ] {
            let source = format!("fn f() {{ let _ = {text}; }}");
            let (nesting, chain) = measured(&source);
            assert!(
                nesting.max(chain) >= at_least,
                "{nesting} {chain}: {}",
                &text[..40]
            );
        }
    }

    #[test]
    fn stops_at_the_first_limit_passed() {
        let deep = format!("fn f() {{ {}1; }}", "-".repeat(1000));
        let facts = lexical_facts(&deep, (MAX_NESTING_DEPTH, MAX_CHAIN_LENGTH), |_| false);
        let passed = facts.passed.map(|passed| passed.limit);
        assert_eq!(passed, Some(Limit::Nesting(Construct::UnaryOperators)));
        let long = format!("fn f() {{ a{}; }}", ".b".repeat(50));
        let facts = lexical_facts(&long, (MAX_NESTING_DEPTH, 40), |_| false);
        assert_eq!(facts.passed.map(|passed| passed.limit), Some(Limit::Chain));
    }
}
