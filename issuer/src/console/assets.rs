//! The console's only static files: one small style sheet and one small
//! script. Pages work without the script (it adds checks as you type and
//! submits the licence-type choice); there is no front-end framework.

/// The style sheet: readable on a phone, printable, no web fonts.
pub const CSS: &str = r#"*{box-sizing:border-box}
body{font-family:system-ui,"Sarabun","Noto Sans Thai",sans-serif;margin:0;color:#111;background:#fafafa;line-height:1.5}
header{background:#123c69;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center}
header a,header button{color:#fff}header .who{margin-left:auto;font-size:.9rem}
nav a{margin-right:.8rem}main{max-width:52rem;margin:0 auto;padding:1rem}
h1{font-size:1.4rem}label{display:block;font-weight:600;margin-top:.8rem}
input,select,textarea,button{font:inherit;padding:.5rem;border:1px solid #888;border-radius:.3rem;max-width:100%}
input[type=text],input[type=password],input[type=search],select,textarea{width:100%}
button,.button{background:#123c69;color:#fff;border:0;padding:.55rem 1rem;cursor:pointer;text-decoration:none;display:inline-block;border-radius:.3rem}
button.danger,.button.danger{background:#a31515}header form{display:inline}header button{background:none;border:1px solid #fff;padding:.2rem .6rem}
.hint{color:#555;font-size:.9rem}.error{color:#a31515;font-weight:600}.notice{background:#d8f5d8;padding:.6rem 1rem;border-radius:.3rem}
.alert{background:#ffd6d6;padding:.6rem 1rem;border-radius:.3rem}[aria-invalid=true]{border-color:#a31515;border-width:2px}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem;border-bottom:1px solid #ddd;vertical-align:top}
.status-active{color:#11691b}.status-suspended{color:#8a6100}.status-revoked{color:#a31515}
code{word-break:break-all}footer{max-width:52rem;margin:2rem auto;padding:0 1rem;color:#555;font-size:.9rem}
@media (max-width:40rem){table,tr,td,th,tbody,thead{display:block}thead{display:none}td{border:0;padding:.1rem 0}tr{border-bottom:1px solid #ddd;padding:.4rem 0}}
"#;

/// Progressive enhancement: the juristic ID check digit as it is typed, and
/// the licence-type choice submitted when it changes.
pub const JS: &str = r#""use strict";
document.addEventListener("DOMContentLoaded",function(){
var id=document.getElementById("juristic_id"),out=document.getElementById("juristic_id-live");
if(id&&out){var check=function(){var v=id.value.trim().replace(/[๐-๙]/g,function(c){return String(c.charCodeAt(0)-3664)});var msg="";
if(v.length>0){if(!/^\d{13}$/.test(v)){msg=out.dataset.length}else{var s=0;for(var i=0;i<12;i++){s+=Number(v[i])*(13-i)}
var d=(11-s%11)%10;if(d!==Number(v[12])){msg=out.dataset.digit}else if(v[0]!=="0"){msg=out.dataset.citizen}}}
out.textContent=msg;id.setCustomValidity(msg);id.setAttribute("aria-invalid",msg?"true":"false")};id.addEventListener("input",check)}
var type=document.getElementById("type-choice");if(type){type.addEventListener("change",function(){type.form.submit()})}
});
"#;
