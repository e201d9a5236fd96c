/* Ardoise: MkDocs Material's inline head script (partials/javascripts/base.html), run from this file so
 * that the site's Content-Security-Policy allows no inline script. Material scopes its local storage to
 * the site's root, which it writes as a relative URL per page; from a file, the root is two folders
 * above this script (assets/ardoise/). tests/site/test_theme_scripts.py checks it against Material's. */
__md_scope=new URL("../..",document.currentScript.src),__md_hash=e=>[...e].reduce(((e,_)=>(e<<5)-e+_.charCodeAt(0)),0),__md_get=(e,_=localStorage,t=__md_scope)=>JSON.parse(_.getItem(t.pathname+"."+e)),__md_set=(e,_,t=localStorage,a=__md_scope)=>{try{t.setItem(a.pathname+"."+e,JSON.stringify(_))}catch(e){}}
